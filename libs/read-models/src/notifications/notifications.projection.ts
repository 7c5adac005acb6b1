import { businessDay } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { PoolClient } from 'pg';
import { effectProjection, insert, type ColumnShape, type Effect, type TableShape } from '../runner/effects';
import { occurredAt } from '../runner/event-fields';

/**
 * Transfer notifications (004 篇九 第九条: "有分配权限的用户需核实客户申请要求并通知原维护行理财经理和新维护行的理财经理"):
 * whenever a customer changes manager by a transfer — a branch's direct transfer, or head office's
 * approval of a cross-branch request, which writes the same `CustomerTransferred` — the previous
 * manager and the new one each get a row: who moved from which unit and manager to which, when, and
 * who decided (the acting user of the transfer). A customer who had no manager notifies only the new
 * one. A head reassigning a customer who already had a manager (POST customers/:id/manager:
 * `CustomerAssignedToManager` with a `previousStaffId`, no transfer) tells both too (DOMAIN.md: "both
 * the old and new manager are notified"); the assignment that follows a transfer in the same command
 * (same correlation, customer and new manager) tells no one a second time. Rows are keyed by the event's id and the recipient, so replaying a batch adds nothing; whether
 * a row has been read is the user's own mark, kept outside the read model (`notification_reads`,
 * a migration) so a rebuild does not mark everything unread again.
 */
export type NotificationRole = 'previous_manager' | 'new_manager';
export type NotificationKind = 'customer_transferred' | 'manager_reassigned';

export interface NotificationRow {
  staff_id: string;
  notification_id: string;
  kind: NotificationKind;
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
  /** When the store accepted the event (not business time, which may be backdated): notifications recorded before the feature was deployed count as read. */
  recorded_at: string;
  correlation_id: string;
}

type Meta = { eventId: string; actor: string; occurredAt: string; correlationId?: string };
type Notified = { data: unknown; metadata: Meta; recordedAt?: string };

interface Transferred {
  customerId: string;
  fromUnitId: string;
  toUnitId: string;
  fromStaffId: string | null;
  toStaffId: string;
  crossBranch: boolean;
}

/** One row per manager concerned: the new one always; the previous one when there was one, and not the same person. */
function rowsFor(e: Notified, kind: NotificationKind, d: Transferred): NotificationRow[] {
  const at = occurredAt(e);
  const row = (staffId: string, role: NotificationRole): NotificationRow => ({
    staff_id: staffId,
    notification_id: e.metadata.eventId,
    kind,
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
    recorded_at: e.recordedAt ?? at,
    correlation_id: e.metadata.correlationId ?? '',
  });
  const rows = [row(d.toStaffId, 'new_manager')];
  if (d.fromStaffId && d.fromStaffId !== d.toStaffId) rows.unshift(row(d.fromStaffId, 'previous_manager'));
  return rows;
}

/** The pure part: the rows one transfer gives. */
export function transferNotifications(e: Notified): NotificationRow[] {
  return rowsFor(e, 'customer_transferred', e.data as Transferred);
}

interface Assigned {
  customerId: string;
  staffId: string;
  previousStaffId: string | null;
  unitId: string;
}

/** The rows a reassignment gives (none for a first assignment, nor for an assignment to the same manager). */
export function reassignmentNotifications(e: Notified): NotificationRow[] {
  const d = e.data as Assigned;
  if (!d.previousStaffId || d.previousStaffId === d.staffId) return [];
  return rowsFor(e, 'manager_reassigned', { customerId: d.customerId, fromUnitId: d.unitId, toUnitId: d.unitId, fromStaffId: d.previousStaffId, toStaffId: d.staffId, crossBranch: false });
}

/** Which transfers the batch's assignments may follow: `correlation, customer, new manager`, from the read model and from the batch so far. */
export interface NotificationsState {
  readonly transferred: Set<string>;
}
const transferKey = (correlationId: string | undefined, customerId: string, toStaffId: string) => `${correlationId ?? ''}\u0000${customerId}\u0000${toStaffId}`;

async function notificationsState(tx: PoolClient, events: readonly RecordedEvent[]): Promise<NotificationsState> {
  const transferred = new Set<string>();
  const asked = events.filter((e) => e.type === 'CustomerAssignedToManager' && (e.data as Assigned).previousStaffId);
  if (asked.length === 0) return { transferred };
  const { rows } = await tx.query(
    `SELECT DISTINCT correlation_id, customer_id, to_staff_id FROM nt_notifications WHERE kind = 'customer_transferred' AND correlation_id = ANY($1::text[]) AND customer_id = ANY($2::text[])`,
    [[...new Set(asked.map((e) => e.metadata.correlationId))], [...new Set(asked.map((e) => (e.data as Assigned).customerId))]],
  );
  for (const r of rows) transferred.add(transferKey(r.correlation_id, r.customer_id, r.to_staff_id));
  return { transferred };
}

export function notificationEffects(e: RecordedEvent, state?: NotificationsState): Effect[] {
  if (e.type === 'CustomerTransferred') {
    const d = e.data as Transferred;
    state?.transferred.add(transferKey(e.metadata.correlationId, d.customerId, d.toStaffId));
    return transferNotifications(e).map((r) => insert('nt_notifications', { ...r }));
  }
  if (e.type === 'CustomerAssignedToManager') {
    const d = e.data as Assigned;
    // The assignment a transfer writes beside it: the transfer has told them.
    if (state?.transferred.has(transferKey(e.metadata.correlationId, d.customerId, d.staffId))) return [];
    return reassignmentNotifications(e).map((r) => insert('nt_notifications', { ...r }));
  }
  return [];
}

const text: ColumnShape = { type: 'text', notNull: true };
export const NT_NOTIFICATIONS: TableShape = {
  name: 'nt_notifications',
  key: ['staff_id', 'notification_id'],
  columns: {
    staff_id: text,
    notification_id: text,
    kind: text,
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
    recorded_at: { type: 'timestamptz', notNull: true },
    correlation_id: text,
  },
  extra: [`CREATE INDEX nt_notifications_recipient_idx ON nt_notifications (staff_id, occurred_at DESC)`, `CREATE INDEX nt_notifications_correlation_idx ON nt_notifications (correlation_id)`],
};

export const notificationsProjection = effectProjection<NotificationsState | undefined>({
  name: 'notifications',
  // 2: reassignments notify too; rows carry their kind, correlation and recorded time; 3: event times to the millisecond (occurredAt)
  version: 3,
  dependsOnTimeZone: true, // each notification's bank day
  tables: [NT_NOTIFICATIONS],
  eventTypes: ['CustomerTransferred', 'CustomerAssignedToManager'],
  state: notificationsState,
  effects: notificationEffects,
});
