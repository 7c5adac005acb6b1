import { cpus, loadavg } from 'node:os';
import type { Pool } from 'pg';
import { bankTimeZone, countReactions, addCounts, reactionBounds, tenDayChecks, tenDayWindows, type TenDayCheck } from '@app/domain';
import type { EventStore } from '@app/event-store';
import {
  campaignContactsByDay,
  campaignEffectiveness,
  campaignEffectivenessProjection,
  campaignWindowCounts,
  inSchemas,
  ProjectionRunner,
  withReadModels,
  type Queryable,
} from '@app/read-models';
import { percentiles, timed } from './percentiles';

const silent = { info: () => undefined, error: (o: object, m: string) => console.error(m, o) };

/**
 * The same-run baseline: how the follow-up answer read the customers' reaction before the windows
 * were counted in SQL — every complaint row, and one contact row per customer and bank day, shipped
 * to Node and placed in its 旬 by the pure function (campaign-effectiveness v6, follow-up.query.ts).
 */
async function reactionFactsAsBefore(db: Queryable, campaignId: string) {
  const { rows: complaints } = await db.query<{ customer_id: string; occurred_at: Date }>(
    `SELECT customer_id, occurred_at FROM ce_complaints WHERE campaign_id = $1 ORDER BY occurred_at, complaint_id`,
    [campaignId],
  );
  const { rows: contacts } = await db.query<{ customer_id: string; occurred_at: Date }>(
    `SELECT customer_id, min(occurred_at) AS occurred_at FROM ce_contacts WHERE campaign_id = $1
     GROUP BY customer_id, (occurred_at AT TIME ZONE $2)::date ORDER BY 2, 1`,
    [campaignId, bankTimeZone()],
  );
  return {
    complaints: complaints.map((r) => ({ at: r.occurred_at.toISOString(), customerId: r.customer_id })),
    contacts: contacts.map((r) => ({ at: r.occurred_at.toISOString(), customerId: r.customer_id })),
  };
}

const PERIOD = { start: '2025-12-31T16:00:00.000Z', end: '2026-12-31T16:00:00.000Z' };
const TARGETS = { conversions: 5_000, revenue: '100000.00' };
const NOW = '2026-12-06T04:00:00.000Z';
// A handful of feedback lines (recorded by hand, read from the campaign's stream in the API: the same for both).
const FEEDBACK = Array.from({ length: 40 }, (_, i) => ({ at: new Date(Date.parse(PERIOD.start) + i * 8 * 86_400_000 + 3_600_000).toISOString(), rating: i % 3 === 0 ? null : (i % 5) + 1 }));

/** The follow-up answer's read-model work as the controller does it (all but the campaign stream read), before or after. */
async function followUpChecks(db: Queryable, campaignId: string, how: 'before' | 'after'): Promise<TenDayCheck[]> {
  const figures = (await campaignEffectiveness(db, campaignId))!;
  const contacts = new Map((await campaignContactsByDay(db, campaignId)).map((d) => [d.date, d.contacts]));
  const dates = [...new Set([...figures.daily.map((d) => d.date), ...contacts.keys()])].sort();
  const byDate = new Map(figures.daily.map((d) => [d.date, d]));
  const daily = dates.map((date) => ({ date, contacts: contacts.get(date) ?? 0, converted: byDate.get(date)?.converted ?? 0, revenue: byDate.get(date)?.revenue ?? '0.00' }));
  if (how === 'before') {
    const { complaints, contacts: contactsOf } = await reactionFactsAsBefore(db, campaignId);
    return tenDayChecks(PERIOD, TARGETS, daily, NOW, { feedback: FEEDBACK, complaints, contacts: contactsOf });
  }
  const windows = tenDayWindows(PERIOD, NOW);
  const counted = await campaignWindowCounts(db, campaignId, reactionBounds(windows));
  const reactions = addCounts(countReactions({ feedback: FEEDBACK, complaints: [], contacts: [] }, windows), counted.map((c) => ({ feedback: 0, ratings: 0, ratingSum: 0, ...c })));
  return tenDayChecks(PERIOD, TARGETS, daily, NOW, reactions);
}

export interface FollowUpBench {
  readonly contacts: number;
  readonly customers: number;
  readonly complaints: number;
  readonly windows: number;
  readonly contactedPerWindow: number[];
  readonly windowCountsPlan: { scans: string[]; executionMs: number };
  /** The answer's read-model work with the reaction counted per window in SQL (what the API serves now). */
  readonly after: ReturnType<typeof percentiles>;
  /** Same-run baseline: the facts shipped to Node and placed there (main before this change). */
  readonly before: ReturnType<typeof percentiles>;
  /** The answer after, on the v6 indexes (campaign_id alone): what the (campaign_id, occurred_at) index is for. */
  readonly afterWithoutTimeIndex: ReturnType<typeof percentiles>;
  readonly ratioP50: number;
  readonly loadAverage: number[];
  readonly cpus: number;
}

/**
 * `npm run bench -- --follow-up-only [--follow-up-contacts 200000] [--runs 10]`: one campaign over
 * 2026 (Beijing) with `contacts` contact rows (each customer contacted twice, months apart) and one
 * complaint per hundred contacts written straight into the campaign read model's tables (its triggers
 * keep the counters), vacuumed and analysed; then the follow-up answer's read-model work, before and
 * after, sampled in turns on one snapshot each, after checking both give the same checks.
 */
export async function followUpBench(pool: Pool, store: EventStore, contacts: number, runs: number, step: (s: string) => void): Promise<FollowUpBench> {
  const runner = new ProjectionRunner(store, pool, [campaignEffectivenessProjection], silent, { batchSize: 2000 });
  await runner.start();
  if (!(await runner.catchUp(60_000))) throw new Error('projector did not build its tables');
  await runner.stop();
  const { rows } = await pool.query<{ schema_name: string }>(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [campaignEffectivenessProjection.name]);
  const schema = rows[0]!.schema_name;
  const customers = Math.max(1, Math.floor(contacts / 2));
  const complaints = Math.floor(contacts / 100);
  const campaignId = 'K-FOLLOW';
  step(`follow-up: writing ${contacts} contacts of ${customers} customers and ${complaints} complaints`);
  // Spread over the 339 days from 1 January to 5 December 2026 (Beijing); customer g % customers, so each twice, about half a year apart.
  const spread = (n: number) => `timestamptz '${PERIOD.start}' + (g::float8 / ${n} * 339 * 86400) * interval '1 second'`;
  await inSchemas(
    pool,
    [schema],
    async (db) => {
      await db.query(
        `INSERT INTO ce_campaigns (campaign_id, name, owner_unit_id, product_codes, channels, status, budget_fen, control_percent, period_start, period_end, launched_at, drafted_at)
         VALUES ($1, 'Follow-up at size', 'BR1', '{DEP-1Y}', '{phone}', 'running', 100000000, 0, $2, $3, $2, $2)`,
        [campaignId, PERIOD.start, PERIOD.end],
      );
      await db.query(
        `INSERT INTO ce_contacts (contact_id, campaign_id, customer_id, staff_id, channel, occurred_at)
         SELECT 'CT' || g, $1, 'C' || lpad((g % $2)::text, 7, '0'), 'rm1', 'phone', ${spread(contacts)} FROM generate_series(1, $3::int) g`,
        [campaignId, customers, contacts],
      );
      await db.query(
        `INSERT INTO ce_complaints (complaint_id, campaign_id, customer_id, occurred_at)
         SELECT 'Q' || g, $1, 'C' || lpad((g * 37 % $2)::text, 7, '0'), ${spread(complaints || 1)} FROM generate_series(1, $3::int) g`,
        [campaignId, customers, complaints],
      );
    },
    { readOnly: false, statementTimeoutMs: 3_600_000 },
  );
  await pool.query(`VACUUM ANALYZE "${schema}".ce_contacts, "${schema}".ce_complaints, "${schema}".ce_channel_counts, "${schema}".ce_campaigns`);

  const read = (how: 'before' | 'after') => withReadModels(pool, [campaignEffectivenessProjection.name], (db) => followUpChecks(db, campaignId, how));
  const [a, b] = [await read('after'), await read('before')];
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('follow-up: the checks before and after differ');
  // How the window counts are read: the scans of the plan (an index range per window, not the campaign's rows per window).
  const plan = await withReadModels(pool, [campaignEffectivenessProjection.name], async (db) => {
    const bounds = reactionBounds(tenDayWindows(PERIOD, NOW));
    const { rows } = await db.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT w.i,
         (SELECT count(*) FROM ce_complaints c WHERE c.campaign_id = $1 AND c.occurred_at >= w.f AND c.occurred_at < w.t)::int AS complaints,
         (SELECT count(DISTINCT x.customer_id) FROM ce_contacts x WHERE x.campaign_id = $1 AND x.occurred_at >= w.f AND x.occurred_at < w.t)::int AS customers
       FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS w(f, t, i) ORDER BY w.i`,
      [campaignId, bounds.map((b) => b.from), bounds.map((b) => b.to)],
    );
    const scans: string[] = [];
    const walk = (n: Record<string, any>) => {
      if (/Scan/.test(n['Node Type'])) scans.push(`${n['Node Type']}${n['Index Name'] ? ` on ${n['Index Name']}` : ''} × ${n['Actual Loops']}${n['Heap Fetches'] !== undefined ? ` (heap fetches ${n['Heap Fetches']})` : ''}`);
      for (const c of n.Plans ?? []) walk(c);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    return { scans, executionMs: rows[0]['QUERY PLAN'][0]['Execution Time'] as number };
  });
  const before: number[] = [];
  const after: number[] = [];
  const load0 = loadavg();
  for (let i = 0; i < runs; i++) {
    before.push((await timed(() => read('before')))[1]);
    after.push((await timed(() => read('after')))[1]);
  }
  const load1 = loadavg();
  // Is the (campaign_id, occurred_at) index needed? The same answer on the indexes of v6 (campaign_id alone).
  await pool.query(`DROP INDEX "${schema}".ce_contacts_campaign_time_idx; DROP INDEX "${schema}".ce_complaints_campaign_time_idx;
    CREATE INDEX ce_contacts_campaign_idx ON "${schema}".ce_contacts (campaign_id); CREATE INDEX ce_complaints_campaign_idx ON "${schema}".ce_complaints (campaign_id);
    ANALYZE "${schema}".ce_contacts, "${schema}".ce_complaints`);
  const withoutTimeIndex: number[] = [];
  for (let i = 0; i < Math.min(runs, 3); i++) withoutTimeIndex.push((await timed(() => read('after')))[1]);
  const p = { before: percentiles(before), after: percentiles(after), afterWithoutTimeIndex: percentiles(withoutTimeIndex) };
  return {
    contacts,
    customers,
    complaints,
    windows: a.length,
    contactedPerWindow: a.map((c) => c.reaction.customersContacted),
    windowCountsPlan: plan,
    ...p,
    ratioP50: Math.round((p.before.p50 / p.after.p50) * 10) / 10,
    loadAverage: load0.map((x, i) => Math.round(((x + load1[i]!) / 2) * 100) / 100),
    cpus: cpus().length,
  };
}
