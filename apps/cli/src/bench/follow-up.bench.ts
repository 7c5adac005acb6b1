import { cpus, loadavg } from 'node:os';
import type { Pool } from 'pg';
import { addCounts, countReactions, reactionBounds, tenDayChecks, tenDayWindows, type TenDayCheck } from '@app/domain';
import type { EventStore } from '@app/event-store';
import {
  campaignContactsByDay,
  campaignEffectiveness,
  campaignEffectivenessProjection,
  campaignReactionCounts,
  campaignWindowCounts,
  inSchemas,
  ProjectionRunner,
  withReadModels,
  type Queryable,
} from '@app/read-models';
import { percentiles, timed } from './percentiles';

const silent = { info: () => undefined, error: (o: object, m: string) => console.error(m, o) };

const PERIOD = { start: '2025-12-31T16:00:00.000Z', end: '2026-12-31T16:00:00.000Z' };
const TARGETS = { conversions: 5_000, revenue: '100000.00' };
const NOW = '2026-12-06T04:00:00.000Z';
// A handful of feedback lines (recorded by hand): the baseline places them in Node (read from the campaign's stream in the API before), the counters read them from ce_feedback.
const FEEDBACK = Array.from({ length: 40 }, (_, i) => ({ at: new Date(Date.parse(PERIOD.start) + i * 8 * 86_400_000 + 3_600_000).toISOString(), rating: i % 3 === 0 ? null : (i % 5) + 1 }));

type How = 'baseline' | 'counters';

/** The customers' reaction per 旬 window: counted over the contact and complaint rows of each window (baseline, campaign-effectiveness v7), or summed from the per-day counters (v8). */
async function reactionCounts(db: Queryable, campaignId: string, how: How) {
  const windows = tenDayWindows(PERIOD, NOW);
  if (how === 'counters') return (await campaignReactionCounts(db, campaignId, windows)).windows;
  const counted = await campaignWindowCounts(db, campaignId, reactionBounds(windows));
  return addCounts(countReactions({ feedback: FEEDBACK, complaints: [], contacts: [] }, windows), counted.map((c) => ({ feedback: 0, ratings: 0, ratingSum: 0, ...c })));
}

/** The follow-up answer's read-model work as the controller does it (the baseline without the campaign stream read it also made). */
async function followUpChecks(db: Queryable, campaignId: string, how: How): Promise<TenDayCheck[]> {
  const figures = (await campaignEffectiveness(db, campaignId))!;
  const contacts = new Map((await campaignContactsByDay(db, campaignId)).map((d) => [d.date, d.contacts]));
  const dates = [...new Set([...figures.daily.map((d) => d.date), ...contacts.keys()])].sort();
  const byDate = new Map(figures.daily.map((d) => [d.date, d]));
  const daily = dates.map((date) => ({ date, contacts: contacts.get(date) ?? 0, converted: byDate.get(date)?.converted ?? 0, revenue: byDate.get(date)?.revenue ?? '0.00' }));
  return tenDayChecks(PERIOD, TARGETS, daily, NOW, await reactionCounts(db, campaignId, how));
}

type Figures = ReturnType<typeof percentiles>;
export interface FollowUpSize {
  readonly campaignId: string;
  readonly contacts: number;
  readonly customers: number;
  readonly complaints: number;
  readonly windows: number;
  /** Rows the counters' answer reads: the campaign's ce_reaction_counts (one per bank day with a reaction). */
  readonly reactionDayRows: number;
  readonly contactedPerWindow: number[];
  /** The whole answer's read-model work, and the reaction per window alone, each way. */
  readonly answer: { baseline: Figures; counters: Figures; ratioP50: number };
  readonly reaction: { baseline: Figures; counters: Figures; ratioP50: number };
}
export interface FollowUpBench {
  readonly sizes: FollowUpSize[];
  /** Largest size ÷ smallest, p50, each way: 1 is flat. */
  readonly growth: { contacts: number; answerBaseline: number; answerCounters: number; reactionBaseline: number; reactionCounters: number };
  /** Writing 50,000 contacts of a campaign in one INSERT (triggers included), ms: without the 旬 first-contact counter (v7) and with it, three each in turns. */
  readonly contactsWrite: { baseline: number[]; counters: number[]; ratioMedian: number };
  readonly loadAverage: number[];
  readonly cpus: number;
}

const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
/** Contacts per write sample (one INSERT of a campaign's contacts, its triggers included). */
const WRITE_CONTACTS = 50_000;

/**
 * `npm run bench -- --follow-up-only [--follow-up-contacts 50000,400000] [--runs 10]`: one campaign
 * per size over 2026 (Beijing), all in the same tables, each with `contacts` contact rows (each
 * customer contacted twice, months apart), one complaint per hundred contacts and 40 feedback lines
 * written straight into the campaign read model's tables (its triggers keep the counters), vacuumed
 * and analysed; then the follow-up answer's read-model work and its reaction per window alone, the
 * baseline (counted over each window's contact and complaint rows) and from the counters, sampled in
 * turns, after checking both give the same checks.
 */
export async function followUpBench(pool: Pool, store: EventStore, sizes: readonly number[], runs: number, step: (s: string) => void): Promise<FollowUpBench> {
  const runner = new ProjectionRunner(store, pool, [campaignEffectivenessProjection], silent, { batchSize: 2000 });
  await runner.start();
  if (!(await runner.catchUp(60_000))) throw new Error('projector did not build its tables');
  await runner.stop();
  const { rows } = await pool.query<{ schema_name: string }>(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [campaignEffectivenessProjection.name]);
  const schema = rows[0]!.schema_name;
  const campaigns = sizes.map((contacts, i) => ({ campaignId: `K-FOLLOW-${i + 1}`, contacts, customers: Math.max(1, Math.floor(contacts / 2)), complaints: Math.floor(contacts / 100) }));
  // Spread over the 339 days from 1 January to 5 December 2026 (Beijing); customer g % customers, so each twice, about half a year apart.
  const spread = (n: number) => `timestamptz '${PERIOD.start}' + (g::float8 / ${n} * 339 * 86400) * interval '1 second'`;
  for (const k of campaigns) {
    step(`follow-up: ${k.campaignId}: writing ${k.contacts} contacts of ${k.customers} customers, ${k.complaints} complaints, ${FEEDBACK.length} feedback lines`);
    await inSchemas(
      pool,
      [schema],
      async (db) => {
        await db.query(
          `INSERT INTO ce_campaigns (campaign_id, name, owner_unit_id, product_codes, channels, status, budget_fen, control_percent, period_start, period_end, target_conversions, target_revenue, launched_at, drafted_at)
           VALUES ($1, 'Follow-up at size', 'BR1', '{DEP-1Y}', '{phone}', 'running', 100000000, 0, $2, $3, $4, $5, $2, $2)`,
          [k.campaignId, PERIOD.start, PERIOD.end, TARGETS.conversions, TARGETS.revenue],
        );
        await db.query(
          `INSERT INTO ce_contacts (contact_id, campaign_id, customer_id, staff_id, channel, occurred_at)
           SELECT $1 || ':CT' || g, $1, 'C' || lpad((g % $2)::text, 7, '0'), 'rm1', 'phone', ${spread(k.contacts)} FROM generate_series(1, $3::int) g`,
          [k.campaignId, k.customers, k.contacts],
        );
        await db.query(
          `INSERT INTO ce_complaints (complaint_id, campaign_id, customer_id, occurred_at)
           SELECT $1 || ':Q' || g, $1, 'C' || lpad((g * 37 % $2)::text, 7, '0'), ${spread(k.complaints || 1)} FROM generate_series(1, $3::int) g`,
          [k.campaignId, k.customers, k.complaints],
        );
        await db.query(`INSERT INTO ce_feedback (feedback_id, campaign_id, rating, occurred_at) SELECT $1 || ':F' || i, $1, r, a FROM unnest($2::int[], $3::timestamptz[]) WITH ORDINALITY AS f(r, a, i)`, [
          k.campaignId,
          FEEDBACK.map((f) => f.rating),
          FEEDBACK.map((f) => f.at),
        ]);
      },
      { readOnly: false, statementTimeoutMs: 3_600_000 },
    );
  }
  // The projection's side of it: writing a campaign's contacts with the 旬 first-contact counter (v8) and without it
  // (the contacts' insert trigger as v7 had it, put back for the baseline's turns), in turns on the same tables.
  const written = { baseline: [] as number[], counters: [] as number[] };
  const { rows: fn } = await pool.query<{ def: string }>(`SELECT pg_get_functiondef('"${schema}".ce_contacts_count_ins'::regproc) AS def`);
  const withDekad = fn[0]!.def;
  const withoutDekad = withDekad.replace(/INSERT INTO ce_dekad_customers[\s\S]*?first_day < c\.first_day;/, '');
  if (withoutDekad === withDekad) throw new Error('follow-up: the contacts trigger has no 旬 counter to take out');
  for (let i = 0; i < 6; i++) {
    const how = i % 2 === 0 ? 'baseline' : 'counters';
    await pool.query(how === 'baseline' ? withoutDekad : withDekad);
    const n = WRITE_CONTACTS;
    written[how].push(
      (
        await timed(() =>
          inSchemas(pool, [schema], (db) =>
            db.query(
              `INSERT INTO ce_contacts (contact_id, campaign_id, customer_id, staff_id, channel, occurred_at)
               SELECT 'W${i}:' || g, 'K-WRITE-${i}', 'C' || lpad((g % ${n / 2})::text, 7, '0'), 'rm1', 'phone', ${spread(n)} FROM generate_series(1, ${n}) g`,
            ), { readOnly: false, statementTimeoutMs: 3_600_000 }),
        )
      )[1],
    );
  }
  await pool.query(withDekad);
  await pool.query(`VACUUM ANALYZE "${schema}".ce_contacts, "${schema}".ce_complaints, "${schema}".ce_channel_counts, "${schema}".ce_campaigns, "${schema}".ce_reaction_counts`);

  const read = <T>(f: (db: Queryable) => Promise<T>) => withReadModels(pool, [campaignEffectivenessProjection.name], f);
  const samples = campaigns.map(() => ({ answer: { baseline: [] as number[], counters: [] as number[] }, reaction: { baseline: [] as number[], counters: [] as number[] } }));
  const checks: TenDayCheck[][] = [];
  for (const k of campaigns) {
    const [a, b] = [await read((db) => followUpChecks(db, k.campaignId, 'counters')), await read((db) => followUpChecks(db, k.campaignId, 'baseline'))];
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`follow-up: ${k.campaignId}: the checks from the counters and the baseline differ`);
    checks.push(a);
  }
  const load0 = loadavg();
  for (let i = 0; i < runs; i++) {
    for (const [j, k] of campaigns.entries()) {
      for (const how of ['baseline', 'counters'] as const) {
        samples[j]!.answer[how].push((await timed(() => read((db) => followUpChecks(db, k.campaignId, how))))[1]);
        samples[j]!.reaction[how].push((await timed(() => read((db) => reactionCounts(db, k.campaignId, how))))[1]);
      }
    }
  }
  const load1 = loadavg();
  const dayRows = await read(async (db) => (await db.query<{ campaign_id: string; n: number }>(`SELECT campaign_id, count(*)::int AS n FROM ce_reaction_counts GROUP BY 1`)).rows);
  const out: FollowUpSize[] = campaigns.map((k, j) => {
    const s = samples[j]!;
    const answer = { baseline: percentiles(s.answer.baseline), counters: percentiles(s.answer.counters) };
    const reaction = { baseline: percentiles(s.reaction.baseline), counters: percentiles(s.reaction.counters) };
    return {
      ...k,
      windows: checks[j]!.length,
      reactionDayRows: dayRows.find((r) => r.campaign_id === k.campaignId)?.n ?? 0,
      contactedPerWindow: checks[j]!.map((c) => c.reaction.customersContacted),
      answer: { ...answer, ratioP50: ratio(answer.baseline.p50, answer.counters.p50) },
      reaction: { ...reaction, ratioP50: ratio(reaction.baseline.p50, reaction.counters.p50) },
    };
  });
  const [first, last] = [out[0]!, out[out.length - 1]!];
  return {
    sizes: out,
    growth: {
      contacts: ratio(last.contacts, first.contacts),
      answerBaseline: ratio(last.answer.baseline.p50, first.answer.baseline.p50),
      answerCounters: ratio(last.answer.counters.p50, first.answer.counters.p50),
      reactionBaseline: ratio(last.reaction.baseline.p50, first.reaction.baseline.p50),
      reactionCounters: ratio(last.reaction.counters.p50, first.reaction.counters.p50),
    },
    contactsWrite: { ...written, ratioMedian: ratio(percentiles(written.counters).p50, percentiles(written.baseline).p50) },
    loadAverage: load0.map((x, i) => Math.round(((x + load1[i]!) / 2) * 100) / 100),
    cpus: cpus().length,
  };
}
