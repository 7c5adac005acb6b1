import { businessDay } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, type ColumnShape, type Effect, type TableShape } from '../runner/effects';

/**
 * Transfer notifications (004 篇九 第九条: "有分配权限的用户需核实客户申请要求并通知原维护行理财经理和新维护行的理财经理"):
 * whenever a customer changes manager by a transfer — a branch's direct transfer, or head office's
 * approval of a cross-branch request, which writes the same `CustomerTransferred` — the previous
 * manager and the new one each get a row: who moved from which unit and manager to which, when, and
 * who decided (the acting user of the transfer). A customer who had no manager notifies only the new
 * one. Rows are keyed by the event's id and the recipient, so replaying a batch adds nothing; whether
 * a row has been read is the user's own mark, kept outside the read model (`notification_reads`,
 * a migration) so a rebuild does not mark everything unread again.
 */
export type NotificationRole = 'previous_manager' | 'new_manager';

export interface NotificationRow {
  staff_id: string;
  notification_id: string;
  role: NotificationRole;
  customer_id: string;
  from_unit_id: string;
  to_unit_id: string;
  from_staff_id: string | null;
  to_staff_id: string;
  cross_branch: boolean;
  decided_by: string;
  occurred_at: string;
  /** The bank's business day of the transfer (BANK_TIME_ZONE), as the manager's calendar shows it. */
  bank_day: string;
}

interface Transferred {
  customerId: string;
  fromUnitId: string;
  toUnitId: string;
  fromStaffId: string | null;
  toStaffId: string;
  crossBranch: boolean;
}

/** The pure part: the rows one transfer gives, one per manager concerned (the new one always; the previous one when there was one, and not the same person). */
export function transferNotifications(e: { data: unknown; metadata: { eventId: string; actor: string; occurredAt: string } }): NotificationRow[] {
  const d = e.data as Transferred;
  const at = e.metadata.occurredAt;
  const row = (staffId: string, role: NotificationRole): NotificationRow => ({
    staff_id: staffId,
    notification_id: e.metadata.eventId,
    role,
    customer_id: d.customerId,
    from_unit_id: d.fromUnitId,
    to_unit_id: d.toUnitId,
    from_staff_id: d.fromStaffId,
    to_staff_id: d.toStaffId,
    cross_branch: d.crossBranch,
    decided_by: e.metadata.actor,
    occurred_at: at,
    bank_day: businessDay(at),
  });
  const rows = [row(d.toStaffId, 'new_manager')];
  if (d.fromStaffId && d.fromStaffId !== d.toStaffId) rows.unshift(row(d.fromStaffId, 'previous_manager'));
  return rows;
}

export function notificationEffects(e: RecordedEvent): Effect[] {
  if (e.type !== 'CustomerTransferred') return [];
  return transferNotifications(e).map((r) => insert('nt_notifications', { ...r }));
}

const text: ColumnShape = { type: 'text', notNull: true };
export const NT_NOTIFICATIONS: TableShape = {
  name: 'nt_notifications',
  key: ['staff_id', 'notification_id'],
  columns: {
    staff_id: text,
    notification_id: text,
    role: text,
    customer_id: text,
    from_unit_id: text,
    to_unit_id: text,
    from_staff_id: { type: 'text' },
    to_staff_id: text,
    cross_branch: { type: 'boolean', notNull: true },
    decided_by: text,
    occurred_at: { type: 'timestamptz', notNull: true },
    bank_day: text,
  },
  extra: [`CREATE INDEX nt_notifications_recipient_idx ON nt_notifications (staff_id, occurred_at DESC)`],
};

export const notificationsProjection = effectProjection<undefined>({
  name: 'notifications',
  version: 1,
  tables: [NT_NOTIFICATIONS],
  eventTypes: ['CustomerTransferred'],
  effects: notificationEffects,
});
