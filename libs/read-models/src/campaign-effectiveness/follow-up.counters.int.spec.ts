import { randomUUID } from 'node:crypto';
import { reactionBounds, tenDayWindows, windowReaction } from '@app/domain';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { wholeLog } from '../../../../test/support/whole-log';
import { applyAgain } from '../../../../test/support/apply-again';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels, type Queryable } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignPlan, campaignReactionCounts, campaignWindowCounts } from './follow-up.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const contact = (contactId: string, customerId: string, occurredAt: string) => ev('CustomerContacted', { contactId, campaignId: 'F', customerId, staffId: 'rm1', channel: 'phone' }, occurredAt);
const complaint = (complaintId: string, customerId: string, occurredAt: string) => ev('ComplaintRecorded', { customerId, complaintId, campaignId: 'F' }, occurredAt);
const lContact = (contactId: string, occurredAt: string) => ev('CustomerContacted', { contactId, campaignId: 'L', customerId: 'Q', staffId: 'rm1', channel: 'phone' }, occurredAt);
const feedback = (feedbackId: string, rating: number | null, occurredAt: string) =>
  ev('CampaignFeedbackRecorded', { campaignId: 'F', feedbackId, customerId: null, rating, comment: 'x', commentNote: null }, occurredAt);

/**
 * Campaign F runs from 00:00 on 5 March 2026 (Beijing, mid-上旬) to 1 May; checked at noon on 15
 * April, its windows are 5–10 March (clipped at the start), 11–20, 21–31 March (the month's end),
 * 1–10 April, and 11–15 April (running, clipped at today). Times in Beijing time (+08:00).
 */
const NOW = '2026-04-15T12:00:00+08:00';
const HISTORY: [string, NewEvent[]][] = [
  // Campaign L's contacts come before its draft, as an import ordered by stream may bring them (batches of 3: the
  // draft is projected batches later). Q on 3 March, before L's period (from 5 March), and on the 7th: once, on the 7th.
  ['customer-Q', [lContact('q1', '2026-03-03T10:00:00+08:00'), lContact('q2', '2026-03-07T10:00:00+08:00')]],
  [
    'campaign-F',
    [
      ev(
        'CampaignDrafted',
        {
          campaignId: 'F', name: 'Follow-up', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 0,
          period: { start: '2026-03-05T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' }, targets: { conversions: 12, revenue: '800.50' },
        },
        '2026-03-01T09:00:00+08:00',
      ),
    ],
  ],
  // P on 3 March, before the period's first bank day (in its 旬), and again on 7 March: in the first window once.
  ['customer-P', [contact('p1', 'P', '2026-03-03T10:00:00+08:00'), complaint('QP', 'P', '2026-03-04T12:00:00+08:00')]],
  ['customer-P', [contact('p2', 'P', '2026-03-07T10:00:00+08:00')]],
  // A at 23:30 on the 10th (上旬) and 00:30 on the 11th (中旬), and again on the 19th; a complaint at 23:50 on the 10th.
  ['customer-A', [contact('a1', 'A', '2026-03-10T23:30:00+08:00'), complaint('QA', 'A', '2026-03-10T23:50:00+08:00'), contact('a2', 'A', '2026-03-11T00:30:00+08:00')]],
  // B twice in the 中旬, the later contact projected first (its first day moves back to the 12th); a complaint at 00:10 on the 11th.
  ['customer-B', [contact('b2', 'B', '2026-03-18T15:00:00+08:00'), complaint('QB', 'B', '2026-03-11T00:10:00+08:00')]],
  ['customer-A', [contact('a3', 'A', '2026-03-19T09:00:00+08:00')]],
  ['customer-B', [contact('b1', 'B', '2026-03-12T09:00:00+08:00')]],
  // D at 23:30 on the 20th (中旬) and 00:30 on the 21st (下旬).
  ['customer-D', [contact('d1', 'D', '2026-03-20T23:30:00+08:00'), contact('d2', 'D', '2026-03-21T00:30:00+08:00')]],
  // C at 23:30 on 31 March (下旬, the month's end) and 00:30 on 1 April (上旬 of April); a complaint either side of midnight.
  ['customer-C', [contact('c1', 'C', '2026-03-31T23:30:00+08:00'), complaint('QC1', 'C', '2026-03-31T23:59:00+08:00')]],
  ['customer-C', [contact('c2', 'C', '2026-04-01T00:30:00+08:00'), complaint('QC2', 'C', '2026-04-01T00:01:00+08:00')]],
  // E on the 14th and the 16th of April, G on the 16th only: after today (the 15th), out of the running window.
  ['customer-E', [contact('e1', 'E', '2026-04-14T10:00:00+08:00'), contact('e2', 'E', '2026-04-16T10:00:00+08:00')]],
  ['customer-G', [contact('g1', 'G', '2026-04-16T10:00:00+08:00')]],
  [
    'campaign-F',
    [
      feedback('F1', 5, '2026-03-10T23:30:00+08:00'),
      feedback('F2', null, '2026-03-11T00:30:00+08:00'),
      feedback('F3', 2, '2026-03-11T09:00:00+08:00'),
      feedback('F4', 4, '2026-04-15T09:00:00+08:00'),
    ],
  ],
  [
    'campaign-L',
    [
      ev(
        'CampaignDrafted',
        {
          campaignId: 'L', name: 'Late draft', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '100', controlGroupPercent: 0,
          period: { start: '2026-03-05T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00' },
        },
        '2026-03-01T09:00:00+08:00',
      ),
    ],
  ],
];

describe('the follow-up reaction per 旬 from the counters per bank day (hand-worked)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const q = <T>(f: (rm: Queryable) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);
  const rows = (sql: string) => q(async (rm) => (await rm.query(sql)).rows);
  const windows = tenDayWindows({ start: '2026-03-04T16:00:00.000Z', end: '2026-04-30T16:00:00.000Z' }, new Date(NOW).toISOString());

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
    // Batches of 3: the counters must not depend on where batches are cut.
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 3 });
  });
  afterAll(() => db.drop());

  const DAYS = [
    // Customers on the day of their first contact in its 旬 (from the period's first bank day, 5 March, on).
    { day: '2026-03-04', customers: 0, complaints: 1, feedback: 0, ratings: 0, rating_sum: 0 }, // P's complaint, before the period
    { day: '2026-03-07', customers: 1, complaints: 0, feedback: 0, ratings: 0, rating_sum: 0 }, // P (3 March left out)
    { day: '2026-03-10', customers: 1, complaints: 1, feedback: 1, ratings: 1, rating_sum: 5 }, // A 23:30; A's complaint; F1
    { day: '2026-03-11', customers: 1, complaints: 1, feedback: 2, ratings: 1, rating_sum: 2 }, // A 00:30; B's complaint 00:10; F2 (no rating), F3
    { day: '2026-03-12', customers: 1, complaints: 0, feedback: 0, ratings: 0, rating_sum: 0 }, // B (the 18th came first, then the 12th)
    { day: '2026-03-20', customers: 1, complaints: 0, feedback: 0, ratings: 0, rating_sum: 0 }, // D 23:30
    { day: '2026-03-21', customers: 1, complaints: 0, feedback: 0, ratings: 0, rating_sum: 0 }, // D 00:30
    { day: '2026-03-31', customers: 1, complaints: 1, feedback: 0, ratings: 0, rating_sum: 0 }, // C 23:30, complaint 23:59
    { day: '2026-04-01', customers: 1, complaints: 1, feedback: 0, ratings: 0, rating_sum: 0 }, // C 00:30, complaint 00:01
    { day: '2026-04-14', customers: 1, complaints: 0, feedback: 0, ratings: 0, rating_sum: 0 }, // E
    { day: '2026-04-15', customers: 0, complaints: 0, feedback: 1, ratings: 1, rating_sum: 4 }, // F4
    { day: '2026-04-16', customers: 1, complaints: 0, feedback: 0, ratings: 0, rating_sum: 0 }, // G (E's 16th is not E's first in the 旬)
  ];
  const daysSql = `SELECT to_char(day, 'YYYY-MM-DD') AS day, customers, complaints, feedback, ratings, rating_sum::float8 AS rating_sum FROM ce_reaction_counts
                   WHERE campaign_id = 'F' AND (customers, complaints, feedback, ratings, rating_sum) <> (0, 0, 0, 0, 0) ORDER BY day`;

  it('counts each customer once per 旬, on the bank day of their first contact in it, and complaints and feedback on their bank day', async () => {
    expect(await rows(daysSql)).toEqual(DAYS);
  });

  it('gives each window its distinct customers, complaints and feedback, the start clipped to the period and the end to today', async () => {
    expect(windows.map((w) => [w.firstDay, w.lastDay])).toEqual([
      ['2026-03-05', '2026-03-10'],
      ['2026-03-11', '2026-03-20'],
      ['2026-03-21', '2026-03-31'],
      ['2026-04-01', '2026-04-10'],
      ['2026-04-11', '2026-04-15'],
    ]);
    const counted = await q((rm) => campaignReactionCounts(rm, 'F', windows));
    expect(counted.windows.map(windowReaction)).toEqual([
      // P (7th), A (10th): 2; A's complaint → 1/2; F1 rated 5.
      { feedback: 1, averageRating: 5, complaints: 1, customersContacted: 2, complaintRate: 0.5 },
      // A (11th, 19th), B (12th, 18th), D (20th): 3; B's complaint → 1/3; F2 (no rating) and F3 rated 2.
      { feedback: 2, averageRating: 2, complaints: 1, customersContacted: 3, complaintRate: 1 / 3 },
      // D (21st), C (31st 23:30): 2; C's complaint at 23:59 → 1/2.
      { feedback: 0, averageRating: null, complaints: 1, customersContacted: 2, complaintRate: 0.5 },
      // C (1 April 00:30): 1; C's complaint at 00:01 → 1.
      { feedback: 0, averageRating: null, complaints: 1, customersContacted: 1, complaintRate: 1 },
      // E (14th; the 16th is after today), not G; F4 rated 4.
      { feedback: 1, averageRating: 4, complaints: 0, customersContacted: 1, complaintRate: 0 },
    ]);
    // The whole campaign: 4 lines, (5 + 2 + 4) / 3 ratings; 5 complaints (P, A, B, C twice: P's before the period too).
    expect(counted.whole).toEqual({ feedback: 4, ratings: 3, ratingSum: 11, complaints: 5 });
    // The same as counting each window's contact and complaint rows (the way before), where it counts them at all.
    const before = await q((rm) => campaignWindowCounts(rm, 'F', reactionBounds(windows)));
    expect(before).toEqual(counted.windows.map((c) => ({ complaints: c.complaints, customersContacted: c.customersContacted })));
  });

  it('keeps the plan: the period and the targets as drafted', async () => {
    expect(await q((rm) => campaignPlan(rm, 'F'))).toEqual({
      period: { start: '2026-03-04T16:00:00.000Z', end: '2026-04-30T16:00:00.000Z' },
      targets: { conversions: 12, revenue: '800.50' },
    });
    expect(await q((rm) => campaignPlan(rm, 'nope'))).toBeNull();
  });

  it('counts a customer contacted before the campaign was projected from the first bank day of the period, once the draft arrives', async () => {
    expect(await rows(`SELECT to_char(day, 'YYYY-MM-DD') AS day, customers FROM ce_reaction_counts WHERE campaign_id = 'L' AND customers <> 0`)).toEqual([{ day: '2026-03-07', customers: 1 }]);
    const lWindows = tenDayWindows({ start: '2026-03-04T16:00:00.000Z', end: '2026-03-31T16:00:00.000Z' }, new Date(NOW).toISOString());
    expect((await q((rm) => campaignReactionCounts(rm, 'L', lWindows))).windows.map((w) => w.customersContacted)).toEqual([1, 0, 0]);
  });

  it('changes no counter when the whole history is applied again as one more batch', async () => {
    // The checkpoint set back for it: the effects and the counters' triggers run again over every event.
    await applyAgain(db.pool, [campaignEffectivenessProjection], await wholeLog(store));
    expect(await rows(daysSql)).toEqual(DAYS);
    expect(await rows(`SELECT count(*)::int AS n FROM ce_dekad_customers WHERE campaign_id = 'F'`)).toEqual([{ n: 10 }]); // P, A×2, B, D×2, C×2, E, G
  });
});
