import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { Queryable } from '../runner/read-model-position';
import type { NotificationRole } from './notifications.projection';

/**
 * Which notifications each user has read: the user's own marks, not facts of the business, so not
 * events; kept in `public` (not in the read model's blue/green schema) so they outlive a rebuild.
 * A notification's id is its transfer event's id: the same after any rebuild.
 */
export class NotificationReads1764000019400 implements MigrationInterface {
  readonly name = 'NotificationReads1764000019400';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notification_reads (staff_id text NOT NULL, notification_id text NOT NULL, read_at timestamptz NOT NULL, PRIMARY KEY (staff_id, notification_id))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_reads`);
  }
}

export interface NotificationItem {
  readonly notificationId: string;
  readonly role: NotificationRole;
  readonly customerId: string;
  readonly fromUnitId: string;
  readonly toUnitId: string;
  readonly fromStaffId: string | null;
  readonly toStaffId: string;
  readonly crossBranch: boolean;
  readonly decidedBy: string;
  readonly occurredAt: string;
  readonly bankDay: string;
  readonly read: boolean;
}

/** Newest first, at most this many (older ones stay, unread ones counted). */
export const NOTIFICATIONS_SHOWN = 100;

/** One user's transfer notifications, newest first, with whether each is read, and how many are unread in all. */
export async function notificationsFor(db: Queryable, staffId: string): Promise<{ items: NotificationItem[]; unread: number }> {
  const [list, count] = await Promise.all([
    db.query(
      `SELECT n.*, r.read_at IS NOT NULL AS read FROM nt_notifications n
       LEFT JOIN public.notification_reads r ON r.staff_id = n.staff_id AND r.notification_id = n.notification_id
       WHERE n.staff_id = $1 ORDER BY n.occurred_at DESC, n.notification_id LIMIT ${NOTIFICATIONS_SHOWN}`,
      [staffId],
    ),
    db.query(
      `SELECT count(*)::int AS unread FROM nt_notifications n
       WHERE n.staff_id = $1 AND NOT EXISTS (SELECT 1 FROM public.notification_reads r WHERE r.staff_id = n.staff_id AND r.notification_id = n.notification_id)`,
      [staffId],
    ),
  ]);
  return {
    items: list.rows.map((r) => ({
      notificationId: r.notification_id,
      role: r.role,
      customerId: r.customer_id,
      fromUnitId: r.from_unit_id,
      toUnitId: r.to_unit_id,
      fromStaffId: r.from_staff_id,
      toStaffId: r.to_staff_id,
      crossBranch: r.cross_branch,
      decidedBy: r.decided_by,
      occurredAt: new Date(r.occurred_at).toISOString(),
      bankDay: r.bank_day,
      read: r.read,
    })),
    unread: count.rows[0].unread,
  };
}

/**
 * Marks read those of the given notifications that are the user's own (another's id, or an unknown
 * one, marks nothing). Needs the read model's schema on the search path, in a writable transaction.
 * Returns how many were newly marked.
 */
export async function markNotificationsRead(db: Queryable, staffId: string, notificationIds: readonly string[], at: Date): Promise<number> {
  if (notificationIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO public.notification_reads (staff_id, notification_id, read_at)
     SELECT n.staff_id, n.notification_id, $3 FROM nt_notifications n WHERE n.staff_id = $1 AND n.notification_id = ANY($2::text[])
     ON CONFLICT DO NOTHING`,
    [staffId, [...new Set(notificationIds)], at],
  );
  return rowCount ?? 0;
}
