import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { Queryable } from '../runner/read-model-position';
import type { NotificationKind, NotificationRole } from './notifications.projection';

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

/**
 * When notifications started: deploying the projection replays every transfer and reassignment in
 * the log, and no one should find years of them unread. A notification whose event the store
 * recorded before this migration ran counts as read (it is still listed, as history). The store's
 * time, not business time (which a command may backdate), and the same after any rebuild; chosen
 * over "read before the user's first sign-in after deploy" because that needs a sign-in record per
 * user and leaves notifications of users who never sign in unread forever.
 */
export class NotificationsSince1764000019500 implements MigrationInterface {
  readonly name = 'NotificationsSince1764000019500';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notifications_since (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), since timestamptz NOT NULL)`);
    await q.query(`INSERT INTO notifications_since (since) VALUES (now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications_since`);
  }
}

export interface NotificationItem {
  readonly notificationId: string;
  readonly kind: NotificationKind;
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

/** Unread first, then newest first, at most this many (the others stay, unread ones counted). */
export const NOTIFICATIONS_SHOWN = 100;

/**
 * A notification is read when the user marked it, or when the store recorded its event before
 * notifications started (`notifications_since`). The assignment a transfer wrote beside it is
 * not projected (the projection leaves it out), so no row here repeats another.
 */
const READ = `(r.read_at IS NOT NULL OR n.recorded_at < coalesce((SELECT since FROM public.notifications_since), '-infinity'))`;

/** One user's notifications, unread first and newest first within each, with whether each is read, and how many are unread in all. */
export async function notificationsFor(db: Queryable, staffId: string): Promise<{ items: NotificationItem[]; unread: number }> {
  const [list, count] = await Promise.all([
    db.query(
      `SELECT n.*, ${READ} AS read FROM nt_notifications n
       LEFT JOIN public.notification_reads r ON r.staff_id = n.staff_id AND r.notification_id = n.notification_id
       WHERE n.staff_id = $1 ORDER BY ${READ}, n.occurred_at DESC, n.notification_id LIMIT ${NOTIFICATIONS_SHOWN}`,
      [staffId],
    ),
    db.query(
      `SELECT count(*)::int AS unread FROM nt_notifications n
       LEFT JOIN public.notification_reads r ON r.staff_id = n.staff_id AND r.notification_id = n.notification_id
       WHERE n.staff_id = $1 AND NOT ${READ}`,
      [staffId],
    ),
  ]);
  return {
    items: list.rows.map((r) => ({
      notificationId: r.notification_id,
      kind: r.kind,
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

/** Marks read every notification of the user's there is now, listed or not (the bell's "mark all read"). Returns how many were newly marked. */
export async function markAllNotificationsRead(db: Queryable, staffId: string, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO public.notification_reads (staff_id, notification_id, read_at)
     SELECT n.staff_id, n.notification_id, $2 FROM nt_notifications n WHERE n.staff_id = $1
     ON CONFLICT DO NOTHING`,
    [staffId, at],
  );
  return rowCount ?? 0;
}
