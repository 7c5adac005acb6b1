import type { RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { createSchemas, inTransaction, useSchema } from '../runner/projection-runner';
import { notificationsProjection } from './notifications.projection';
import { markAllNotificationsRead, markNotificationsRead, notificationsFor } from './notifications.query';

/**
 * The notifications read model on a real database: batches applied through the projection's own
 * `apply` (no checkpoint, so nothing skips them), read marks kept outside the schema, and the
 * cut-off for notifications recorded before the feature was deployed.
 */
describe('notifications read model (database)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  let prepare = 0;
  const event = (eventId: string, type: string, data: Record<string, unknown>, correlationId: string, occurredAt: string, recordedAt = '2030-01-01T00:00:00.000Z'): RecordedEvent =>
    ({ type, data, position: { commit: 9n, prepare: BigInt(++prepare) }, recordedAt, metadata: { eventId, correlationId, actor: 'head-br1', occurredAt } }) as unknown as RecordedEvent;
  const transferred = (eventId: string, customerId: string, fromStaffId: string | null, toStaffId: string, correlationId: string, occurredAt: string) =>
    event(eventId, 'CustomerTransferred', { customerId, fromUnitId: 'SB1', toUnitId: 'SB1', fromStaffId, toStaffId, crossBranch: false }, correlationId, occurredAt);
  const assigned = (eventId: string, customerId: string, previousStaffId: string | null, staffId: string, correlationId: string, occurredAt: string) =>
    event(eventId, 'CustomerAssignedToManager', { customerId, staffId, previousStaffId, unitId: 'SB1' }, correlationId, occurredAt);

  const apply = (schema: string, events: RecordedEvent[]) =>
    inTransaction(db.pool, async (tx) => {
      await useSchema(tx, schema);
      await notificationsProjection.apply(tx, events);
    });
  const read = <T>(schema: string, fn: (tx: Parameters<typeof notificationsFor>[0]) => Promise<T>) =>
    inTransaction(db.pool, async (tx) => {
      await useSchema(tx, schema);
      return fn(tx);
    });
  const count = async (schema: string) => Number((await db.pool.query(`SELECT count(*) FROM ${schema}.nt_notifications`)).rows[0].count);

  // C1: rm1 → rm2 by a transfer (its assignment beside it, same request); C2: rm2 → rm1 by a head's reassignment; C3: first assigned to rm1 (no one told).
  const history = [
    transferred('t1', 'C1', 'rm1', 'rm2', 'req-1', '2026-03-10T02:00:00.000Z'),
    assigned('a1', 'C1', 'rm1', 'rm2', 'req-1', '2026-03-10T02:00:00.000Z'),
    assigned('a2', 'C2', 'rm2', 'rm1', 'req-2', '2026-03-11T02:00:00.000Z'),
    assigned('a3', 'C3', null, 'rm1', 'req-3', '2026-03-12T02:00:00.000Z'),
  ];

  it('adds nothing when a batch is applied again, and tells no one twice when a transfer and its assignment fall in different batches', async () => {
    await createSchemas(db.pool, [{ schema: 'rm_nt_a', projection: notificationsProjection }]);
    // The transfer ends one batch, its assignment opens the next: the read model, not the batch, says a transfer told them.
    await apply('rm_nt_a', history.slice(0, 1));
    await apply('rm_nt_a', history.slice(1));
    // t1: rm1 and rm2; a2: rm2 and rm1; a1 and a3: nobody.
    expect(await count('rm_nt_a')).toBe(4);
    await apply('rm_nt_a', history);
    await apply('rm_nt_a', history.slice(2));
    expect(await count('rm_nt_a')).toBe(4);
    expect((await db.pool.query(`SELECT staff_id, notification_id, kind, role FROM rm_nt_a.nt_notifications ORDER BY notification_id, staff_id`)).rows).toEqual([
      { staff_id: 'rm1', notification_id: 'a2', kind: 'manager_reassigned', role: 'new_manager' },
      { staff_id: 'rm2', notification_id: 'a2', kind: 'manager_reassigned', role: 'previous_manager' },
      { staff_id: 'rm1', notification_id: 't1', kind: 'customer_transferred', role: 'previous_manager' },
      { staff_id: 'rm2', notification_id: 't1', kind: 'customer_transferred', role: 'new_manager' },
    ]);
  });

  it('keeps read marks across a rebuild (a new schema built from the same events)', async () => {
    await createSchemas(db.pool, [{ schema: 'rm_nt_b', projection: notificationsProjection }]);
    await apply('rm_nt_b', history);
    expect(await read('rm_nt_b', (tx) => markNotificationsRead(tx, 'rm1', ['t1'], new Date('2030-02-01T00:00:00Z')))).toBe(1);
    await createSchemas(db.pool, [{ schema: 'rm_nt_c', projection: notificationsProjection }]);
    await apply('rm_nt_c', history);
    const rm1 = await read('rm_nt_c', (tx) => notificationsFor(tx, 'rm1'));
    // rm1: t1 (read), a2 (unread).
    expect([rm1.unread, rm1.items.map((n) => [n.notificationId, n.read])]).toEqual([1, [['a2', false], ['t1', true]]]);
  });

  it('lists unread ones first, so past the first hundred the bell still reaches them; "all" marks those not listed too', async () => {
    await createSchemas(db.pool, [{ schema: 'rm_nt_d', projection: notificationsProjection }]);
    // 101 reassignments to rm4, one a minute; the oldest (n000) stays unread, the other 100 are marked read.
    const many = Array.from({ length: 101 }, (_, i) => assigned(`n${String(i).padStart(3, '0')}`, `D${i}`, 'rm5', 'rm4', `req-d${i}`, new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString()));
    await apply('rm_nt_d', many);
    await read('rm_nt_d', (tx) => markNotificationsRead(tx, 'rm4', many.slice(1).map((e) => e.metadata.eventId), new Date('2030-02-01T00:00:00Z')));
    const rm4 = await read('rm_nt_d', (tx) => notificationsFor(tx, 'rm4'));
    expect([rm4.unread, rm4.items.length, rm4.items[0]!.notificationId, rm4.items[0]!.read, rm4.items[1]!.notificationId]).toEqual([1, 100, 'n000', false, 'n100']);
    // rm5 lost all 101: "all" marks every one, the 101st included.
    expect(await read('rm_nt_d', (tx) => markAllNotificationsRead(tx, 'rm5', new Date('2030-02-01T00:00:00Z')))).toBe(101);
    expect((await read('rm_nt_d', (tx) => notificationsFor(tx, 'rm5'))).unread).toBe(0);
  });

  it('counts as read what the store recorded before notifications were deployed (the replay of old transfers), by store time, not business time', async () => {
    await createSchemas(db.pool, [{ schema: 'rm_nt_e', projection: notificationsProjection }]);
    const old = { ...transferred('old', 'E1', 'rm6', 'rm7', 'req-e1', '2026-03-10T02:00:00.000Z'), recordedAt: '2025-12-31T23:59:59.000Z' } as RecordedEvent;
    // Recorded after deployment, though backdated in business time to before it.
    const backdated = { ...transferred('new', 'E2', 'rm6', 'rm7', 'req-e2', '2025-06-01T00:00:00.000Z'), recordedAt: '2026-01-01T00:00:01.000Z' } as RecordedEvent;
    await apply('rm_nt_e', [old, backdated]);
    const since = (await db.pool.query(`SELECT since FROM notifications_since`)).rows[0].since;
    try {
      await db.pool.query(`UPDATE notifications_since SET since = '2026-01-01T00:00:00Z'`);
      const rm7 = await read('rm_nt_e', (tx) => notificationsFor(tx, 'rm7'));
      expect([rm7.unread, rm7.items.map((n) => [n.notificationId, n.read])]).toEqual([1, [['new', false], ['old', true]]]);
    } finally {
      await db.pool.query(`UPDATE notifications_since SET since = $1`, [since]);
    }
  });
});
