import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { personScorecard } from './staff-scorecard.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const BEGIN = '2026-01-01T00:00:00+08:00';

/**
 * A person's scorecard shows their month under the unit they were in at its end, by the intervals' one
 * rule (the write side's: of the moves starting by then, the last recorded holds). rm1 is registered in
 * SB9; a move to SB3 dated 20 March is recorded first, then a move to SB2 dated 10 March: the later
 * recorded supersedes from 10 March, so rm1 ends March in SB2 (as sc_staff and the organisation say),
 * not in SB3 (the latest start) nor in SB9.
 */
describe('a person scorecard after a backdated move', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    const history: NewEvent[] = [
      ev('ProductDefined', { productCode: 'DEP', weight: '1' }, BEGIN),
      ...['HO', 'SB2', 'SB3', 'SB9'].map((u) => ev('OrgUnitOpened', { unitId: u, parentId: u === 'HO' ? null : 'HO', level: u === 'HO' ? 'head_office' : 'sub_branch_1', name: u, wealthCentre: false }, BEGIN)),
      ev('StaffMemberRegistered', { staffId: 'rm1', displayName: 'rm1', role: 'relationship_manager', unitId: 'SB9' }, BEGIN),
      ev('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB9', toUnitId: 'SB3' }, '2026-03-20T10:00:00+08:00'),
      ev('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB3', toUnitId: 'SB2' }, '2026-03-10T10:00:00+08:00'),
    ];
    for (const e of history) await store.appendToStream('organisation', [e], 'any');
    await projectToEnd(store, db.pool, [staffScorecardProjection], { batchSize: 1 });
  });
  afterAll(() => db.drop());

  it('shows the month under the unit held at its end by the last recorded move', async () => {
    const p = await withReadModels(db.pool, [staffScorecardProjection.name], (rm) => personScorecard(rm, 'rm1', '2026-03'));
    const now = await withReadModels(db.pool, [staffScorecardProjection.name], async (rm) => (await rm.query(`SELECT unit_id FROM sc_staff WHERE staff_id = 'rm1'`)).rows);
    expect(now).toEqual([{ unit_id: 'SB2' }]);
    expect(p?.unitId).toBe('SB2');
  });
});
