import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { effectTimings, upsert as upsertEffect, type ColumnShape, type Effect, type TableShape } from '../runner/effects';
import type { CeParticipant, FunnelColumn } from './campaign-effectiveness.state';

/**
 * The counters an effectiveness answer reads: a few dozen rows per campaign whatever the history
 * size, each always the sum of what its fact rows contribute. Since v7 the projection keeps them
 * itself: for each change of a fact row it works out, in memory, what the row contributes after
 * less what it contributed before (`participantCounts`, `CounterDelta`, and the tagged sales,
 * contacts, costs and complaints in the projection), as `add` upserts the runner folds per key and
 * writes with one set-based statement pair per counter table and batch. Up to v6 statement-level
 * triggers on the fact tables did the same in SQL (transition tables: the new rows' contributions
 * added, the old rows' taken off); `countingTriggers` keeps them for the v5 baseline of the
 * effectiveness bench. Fact rows a campaign keeps per participant (`sales`, `revenue_fen`, unit and
 * tier at enrolment) are recomputed by the projection from the facts, never incremented.
 *
 *   ce_group_counts   (campaign, group, unit at enrolment, tier at enrolment, as-of day): enrolled,
 *                     reached each funnel stage, took part — counted from the business day it held
 *   ce_group_sales_counts (campaign, group, unit, tier): converted (customers with a counting sale),
 *                     revenue and the sum of each customer's revenue squared (for its interval), now
 *   ce_day_counts     (campaign, business day, as-of day): first contacts/offers/acceptances that day,
 *                     and the campaign's own (tagged) sales and revenue that day (off from a reversal's day)
 *   ce_channel_counts (campaign, channel, business day): contacts, and customers first contacted there
 *   ce_campaign_totals (campaign): tagged sales, customers, revenue; cost; complaints — now
 *
 * Now sums every as-of day; as of the end of a bank day sums the days up to it. Rows per campaign
 * grow with the days it ran, never with its customers or sales.
 */

/** A counting rule: from a set of rows (`src`, each with `sign` +1 new / −1 old), one upsert into a counter table. */
interface Upsert {
  readonly into: string;
  readonly keys: readonly string[];
  /** Key expressions over `s` (same order as keys). */
  readonly keyExprs: readonly string[];
  /** counter column → per-row expression over `s` (multiplied by sign and summed). */
  readonly sums: Readonly<Record<string, string>>;
  /** Extra FROM item and condition (e.g. a lateral unfold), optional. */
  readonly join?: string;
  readonly where?: string;
}

function upsert(u: Upsert, src: string): string {
  const cols = Object.keys(u.sums);
  const sums = cols.map((c) => `sum((${u.sums[c]}) * s.sign)`);
  return `INSERT INTO ${u.into} AS c (${[...u.keys, ...cols].join(', ')})
    SELECT ${[...u.keyExprs, ...sums].join(', ')} FROM ${src} s ${u.join ?? ''} ${u.where ? `WHERE ${u.where}` : ''}
    GROUP BY ${u.keyExprs.map((_, i) => i + 1).join(', ')}
    HAVING ${sums.map((x) => `${x} <> 0`).join(' OR ')}
    ON CONFLICT (${u.keys.join(', ')}) DO UPDATE SET ${cols.map((c) => `${c} = c.${c} + EXCLUDED.${c}`).join(', ')};`;
}

/**
 * AFTER INSERT and AFTER UPDATE statement triggers on `table` running the upserts over the changed rows;
 * with `recount`, the upserts once over the whole table instead.
 */
function triggers(table: string, upserts: readonly Upsert[], extra: { insert?: (rows: string) => string } = {}, recount = false): string[] {
  if (recount) return [...(extra.insert ? [extra.insert(table)] : []), ...upserts.map((u) => upsert(u, `(SELECT t.*, 1 AS sign FROM ${table} t)`))];
  const inserted = `(SELECT n.*, 1 AS sign FROM new_rows n)`;
  const updated = `(SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o)`;
  const fn = (suffix: string, src: string, more = '') =>
    `CREATE FUNCTION ${table}_count_${suffix}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       ${more}
       ${upserts.map((u) => upsert(u, src)).join('\n')}
       RETURN NULL;
     END $$`;
  return [
    fn('ins', inserted, extra.insert?.('new_rows')),
    fn('upd', updated),
    `CREATE TRIGGER ${table}_count_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_ins()`,
    `CREATE TRIGGER ${table}_count_upd AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_upd()`,
  ];
}

const flag = (condition: string) => `(${condition})::int`;

/**
 * A participant's funnel stages, each with the business day it counts from in an as-of answer:
 * the day the participant was both enrolled and at that stage (stage dates only ever move earlier).
 *
 * Rows per participant come from `unnest` over arrays, not from a `LATERAL (VALUES …)`: Postgres
 * compiles the expressions of a VALUES list again for each of its rows on every rescan, which made
 * these lists most of the cost of a participants' INSERT; the arrays are compiled once per statement.
 * The day of the unit row is worked out once per participant row (`dd`; `OFFSET 0` keeps the
 * planner from folding it back into each place that uses it).
 */
const STAGES = `CROSS JOIN LATERAL (SELECT ce_day(s.unit_from) AS unit_day OFFSET 0) AS dd
  CROSS JOIN LATERAL unnest(
    ARRAY[ce_day(s.enrolled_at),
      CASE WHEN s.first_contacted_at IS NOT NULL THEN ce_day(GREATEST(s.enrolled_at, s.first_contacted_at)) END,
      CASE WHEN s.first_offered_at IS NOT NULL THEN ce_day(GREATEST(s.enrolled_at, s.first_offered_at)) END,
      CASE WHEN s.first_accepted_at IS NOT NULL THEN ce_day(GREATEST(s.enrolled_at, s.first_accepted_at)) END,
      CASE WHEN s.took_part_at IS NOT NULL THEN ce_day(GREATEST(s.enrolled_at, s.took_part_at)) END]::date[],
    ARRAY[1, 0, 0, 0, 0], ARRAY[0, 1, 0, 0, 0], ARRAY[0, 0, 1, 0, 0], ARRAY[0, 0, 0, 1, 0], ARRAY[0, 0, 0, 0, 1]
  ) AS st(day, enrolled, contacted, offered, accepted, participated)
  CROSS JOIN LATERAL unnest(
    -- A unit row known only from a later day (a backdated onboarding's first unit): no unit ('') until that day.
    ARRAY[CASE WHEN dd.unit_day > st.day THEN '' ELSE s.unit_id END, CASE WHEN dd.unit_day > st.day THEN '' END, CASE WHEN dd.unit_day > st.day THEN s.unit_id END]::text[],
    ARRAY[st.day, dd.unit_day, dd.unit_day]::date[],
    ARRAY[1, -1, 1]
  ) AS ph(unit_id, as_of_day, w)`;

/**
 * The counters of v5-v6, kept by statement triggers (the v5 baseline of the effectiveness bench
 * creates them). With `recount`, no triggers: the same counting rules run once over whole fact
 * tables, which recounts every counter from the facts (`recountCounters`).
 */
export function countingTriggers(timeZone: string, recount = false): string[] {
  const zone = timeZone.replace(/'/g, "''");
  return [
    // The bank's business day of an instant.
    `CREATE FUNCTION ce_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$ SELECT (at AT TIME ZONE '${zone}')::date $$`,
    // Participants reaching each stage, by the day it holds from: now sums every day, as of a day sums up to it.
    `CREATE TABLE ce_group_counts (
      campaign_id text NOT NULL, grp text NOT NULL, unit_id text NOT NULL, tier text NOT NULL, as_of_day date NOT NULL,
      enrolled integer NOT NULL DEFAULT 0, contacted integer NOT NULL DEFAULT 0, offered integer NOT NULL DEFAULT 0,
      accepted integer NOT NULL DEFAULT 0, participated integer NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, grp, unit_id, tier, as_of_day))`,
    // The group sales now (customers converted, revenue, each customer's revenue squared).
    `CREATE TABLE ce_group_sales_counts (
      campaign_id text NOT NULL, grp text NOT NULL, unit_id text NOT NULL, tier text NOT NULL,
      converted integer NOT NULL DEFAULT 0, revenue_fen bigint NOT NULL DEFAULT 0, squares numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, grp, unit_id, tier))`,
    // The daily series by the day it shows (first stage reached, the campaign's own sale) and the day from which an as-of answer counts it.
    `CREATE TABLE ce_day_counts (
      campaign_id text NOT NULL, day date NOT NULL, as_of_day date NOT NULL,
      contacted integer NOT NULL DEFAULT 0, offered integer NOT NULL DEFAULT 0, accepted integer NOT NULL DEFAULT 0,
      sales integer NOT NULL DEFAULT 0, revenue_fen bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, day, as_of_day))`,
    `CREATE TABLE ce_channel_counts (campaign_id text NOT NULL, channel text NOT NULL, day date NOT NULL, contacts integer NOT NULL DEFAULT 0, customers integer NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, channel, day))`,
    `CREATE TABLE ce_channel_customers (campaign_id text NOT NULL, channel text NOT NULL, customer_id text NOT NULL, first_at timestamptz NOT NULL, PRIMARY KEY (campaign_id, channel, customer_id))`,
    `CREATE TABLE ce_tagged_customers (campaign_id text NOT NULL, customer_id text NOT NULL, sales integer NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, customer_id))`,
    `CREATE TABLE ce_campaign_totals (
      campaign_id text PRIMARY KEY, tagged_sales integer NOT NULL DEFAULT 0, tagged_customers integer NOT NULL DEFAULT 0,
      tagged_revenue_fen bigint NOT NULL DEFAULT 0, cost_fen bigint NOT NULL DEFAULT 0, complaints integer NOT NULL DEFAULT 0)`,

    // A participant counts once in its group, unit and tier at enrolment, from the day it reached each stage.
    ...triggers('ce_participants', [
      {
        into: 'ce_group_counts',
        keys: ['campaign_id', 'grp', 'unit_id', 'tier', 'as_of_day'],
        keyExprs: ['s.campaign_id', 's.grp', 'ph.unit_id', 's.tier', 'ph.as_of_day'],
        join: STAGES,
        where: 'st.day IS NOT NULL AND ph.unit_id IS NOT NULL',
        sums: { enrolled: 'st.enrolled * ph.w', contacted: 'st.contacted * ph.w', offered: 'st.offered * ph.w', accepted: 'st.accepted * ph.w', participated: 'st.participated * ph.w' },
      },
      {
        into: 'ce_group_sales_counts',
        keys: ['campaign_id', 'grp', 'unit_id', 'tier'],
        keyExprs: ['s.campaign_id', 's.grp', 's.unit_id', 's.tier'],
        sums: { converted: flag('s.sales > 0'), revenue_fen: 's.revenue_fen', squares: 's.revenue_fen::numeric * s.revenue_fen' },
      },
      {
        into: 'ce_day_counts',
        keys: ['campaign_id', 'day', 'as_of_day'],
        keyExprs: ['s.campaign_id', 'd.day', 'ce_day(GREATEST(s.enrolled_at, d.at))'],
        join: `CROSS JOIN LATERAL unnest(ARRAY[ce_day(s.first_contacted_at), ce_day(s.first_offered_at), ce_day(s.first_accepted_at)]::date[],
                                          ARRAY[s.first_contacted_at, s.first_offered_at, s.first_accepted_at]::timestamptz[],
                                          ARRAY[1, 0, 0], ARRAY[0, 1, 0], ARRAY[0, 0, 1]) AS d(day, at, contacted, offered, accepted)`,
        where: 'd.day IS NOT NULL',
        sums: { contacted: 'd.contacted', offered: 'd.offered', accepted: 'd.accepted' },
      },
    ], {}, recount),
    // A sale tagged with the campaign (direct attribution): on its day from that day, and off again from the day it was reversed.
    ...triggers('ce_conversions', [
      {
        into: 'ce_day_counts',
        keys: ['campaign_id', 'day', 'as_of_day'],
        keyExprs: ['s.campaign_id', 'ce_day(s.occurred_at)', 'r.as_of_day'],
        join: `CROSS JOIN LATERAL unnest(ARRAY[ce_day(s.occurred_at), CASE WHEN s.reversed THEN GREATEST(ce_day(s.occurred_at), ce_day(s.reversed_at)) END]::date[], ARRAY[1, -1]) AS r(as_of_day, w)`,
        where: 's.campaign_id IS NOT NULL AND r.as_of_day IS NOT NULL',
        sums: { sales: 'r.w', revenue_fen: 'r.w * s.revenue_fen' },
      },
      {
        into: 'ce_campaign_totals',
        keys: ['campaign_id'],
        keyExprs: ['s.campaign_id'],
        where: 's.campaign_id IS NOT NULL AND NOT s.reversed',
        sums: { tagged_sales: '1', tagged_revenue_fen: 's.revenue_fen' },
      },
      {
        into: 'ce_tagged_customers',
        keys: ['campaign_id', 'customer_id'],
        keyExprs: ['s.campaign_id', 's.customer_id'],
        where: 's.campaign_id IS NOT NULL AND NOT s.reversed',
        sums: { sales: '1' },
      },
    ], {}, recount),
    // A customer with at least one tagged sale not reversed is one converted customer.
    ...triggers('ce_tagged_customers', [
      { into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { tagged_customers: flag('s.sales > 0') } },
    ], {}, recount),
    ...triggers('ce_costs', [{ into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { cost_fen: 's.amount_fen' } }], {}, recount),
    ...triggers('ce_complaints', [{ into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { complaints: '1' } }], {}, recount),
    // Contacts per channel on their day, and each customer once per channel from their first contact there.
    ...triggers(
      'ce_contacts',
      [{ into: 'ce_channel_counts', keys: ['campaign_id', 'channel', 'day'], keyExprs: ['s.campaign_id', 's.channel', 'ce_day(s.occurred_at)'], sums: { contacts: '1' } }],
      {
        insert: (rows) => `INSERT INTO ce_channel_customers AS c (campaign_id, channel, customer_id, first_at)
                   SELECT campaign_id, channel, customer_id, min(occurred_at) FROM ${rows} GROUP BY 1, 2, 3
                   ON CONFLICT (campaign_id, channel, customer_id) DO UPDATE SET first_at = EXCLUDED.first_at WHERE EXCLUDED.first_at < c.first_at;`,
      },
      recount,
    ),
    ...triggers('ce_channel_customers', [{ into: 'ce_channel_counts', keys: ['campaign_id', 'channel', 'day'], keyExprs: ['s.campaign_id', 's.channel', 'ce_day(s.first_at)'], sums: { customers: '1' } }], {}, recount),
  ];
}

/**
 * Statements that recount every counter from the fact rows, for specs: run with `search_path` set to
 * an empty scratch schema first and the projection's schema after, they create the counter tables
 * in the scratch schema and fill them by the v6 triggers' rules over the whole fact tables.
 */
export const recountCounters = (timeZone: string): string[] => countingTriggers(timeZone, true);

// ---------------------------------------------------------------------------------------------
// v7: the counters as the batch's own effects. The projection works out, in memory, what each
// change of a fact row does to the counters (its contribution after, less its contribution
// before), and gives it as `add` upserts; the runner folds them per counter key and writes each
// counter table with one set-based statement pair per batch, in the transaction that moves the
// checkpoint (which is why a batch applied again adds nothing: the runner skips the events at or
// before the checkpoint). The contributions are the ones the triggers above computed in SQL; the
// triggers are kept only for the v5 baseline of the effectiveness bench (`effectiveness-before.ts`).
// ---------------------------------------------------------------------------------------------

const count = (type: string): ColumnShape => ({ type, combine: 'add', default: 0 });
const key = (type = 'text'): ColumnShape => ({ type, notNull: true });

/** The counters, declared for the runner (created in the build's schema; `add` columns). */
export const CE_COUNTER_TABLES: TableShape[] = [
  {
    name: 'ce_group_counts',
    key: ['campaign_id', 'grp', 'unit_id', 'tier', 'as_of_day'],
    columns: {
      campaign_id: key(),
      grp: key(),
      unit_id: key(),
      tier: key(),
      as_of_day: key('date'),
      enrolled: count('integer'),
      contacted: count('integer'),
      offered: count('integer'),
      accepted: count('integer'),
      participated: count('integer'),
    },
  },
  {
    name: 'ce_group_sales_counts',
    key: ['campaign_id', 'grp', 'unit_id', 'tier'],
    columns: { campaign_id: key(), grp: key(), unit_id: key(), tier: key(), converted: count('integer'), revenue_fen: count('bigint'), squares: count('numeric') },
  },
  {
    name: 'ce_day_counts',
    key: ['campaign_id', 'day', 'as_of_day'],
    columns: {
      campaign_id: key(),
      day: key('date'),
      as_of_day: key('date'),
      contacted: count('integer'),
      offered: count('integer'),
      accepted: count('integer'),
      sales: count('integer'),
      revenue_fen: count('bigint'),
    },
  },
  {
    name: 'ce_channel_counts',
    key: ['campaign_id', 'channel', 'day'],
    columns: { campaign_id: key(), channel: key(), day: key('date'), contacts: count('integer'), customers: count('integer') },
  },
  {
    name: 'ce_campaign_totals',
    key: ['campaign_id'],
    columns: {
      campaign_id: key(),
      tagged_sales: count('integer'),
      tagged_customers: count('integer'),
      tagged_revenue_fen: count('bigint'),
      cost_fen: count('bigint'),
      complaints: count('integer'),
    },
  },
  // A fact table, not a counter: each customer's first contact per campaign and channel (keyed by customer first: a batch reads its customers' rows).
  {
    name: 'ce_channel_customers',
    key: ['customer_id', 'campaign_id', 'channel'],
    columns: { customer_id: key(), campaign_id: key(), channel: key(), first_at: { type: 'timestamptz', combine: 'min', notNull: true } },
  },
];

/**
 * The bank day ("2026-04-01") of an instant (ms) in `timeZone`, as `ce_day` cut it in SQL. The
 * zone's offset is asked once per UTC hour (formatting is slow), instant by instant in an hour where it changes.
 */
export function bankDayIn(timeZone: string): (t: number) => string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const wall = (t: number) => {
    const p: Record<string, number> = {};
    for (const x of f.formatToParts(t)) if (x.type !== 'literal') p[x.type] = Number(x.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  };
  const offsetOf = (t: number) => wall(t) - Math.floor(t / 1000) * 1000;
  const HOUR = 3_600_000;
  const offsets = new Map<number, number | null>();
  const days = new Map<number, string>();
  return (t: number) => {
    const hour = Math.floor(t / HOUR);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const first = offsetOf(hour * HOUR);
      offset = first === offsetOf(hour * HOUR + HOUR - 1000) ? first : null;
      if (offsets.size >= 100_000) offsets.clear();
      offsets.set(hour, offset);
    }
    const local = offset === null ? wall(t) : t + offset;
    const dayNumber = Math.floor(local / 86_400_000);
    let day = days.get(dayNumber);
    if (day === undefined) {
      day = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
      if (days.size >= 100_000) days.clear();
      days.set(dayNumber, day);
    }
    return day;
  };
}

/** Counter rows being worked out: per table and key, the amounts to add (squares exact, as bigint). */
export class CounterDelta {
  private readonly rows = new Map<string, { table: string; key: Record<string, unknown>; add: Record<string, number | bigint> }>();

  add(table: string, key: Record<string, unknown>, amounts: Record<string, number | bigint>): void {
    let k = table;
    for (const c in key) k += '\u0000' + String(key[c]);
    let row = this.rows.get(k);
    if (!row) this.rows.set(k, (row = { table, key, add: {} }));
    for (const c in amounts) {
      const v = amounts[c]!;
      const cur = row.add[c];
      row.add[c] = cur === undefined ? v : typeof v === 'bigint' || typeof cur === 'bigint' ? BigInt(cur) + BigInt(v) : cur + v;
    }
  }

  /** `add` of one amount, the key given as its text (the table and the key's values joined as `add` joins them) and made only for a new row. */
  addOne(table: string, k: string, key: () => Record<string, unknown>, column: string, amount: number): void {
    let row = this.rows.get(k);
    if (!row) this.rows.set(k, (row = { table, key: key(), add: {} }));
    const cur = row.add[column];
    row.add[column] = cur === undefined ? amount : (cur as number) + amount;
  }

  /** One `add` upsert per counter row that moves (amounts that cancel out are left out); then empty. */
  effects(): Effect[] {
    const out: Effect[] = [];
    for (const { table, key, add } of this.rows.values()) {
      const moved: Record<string, number | bigint> = {};
      let any = false;
      for (const c in add)
        if (add[c] !== 0 && add[c] !== 0n) {
          moved[c] = add[c]!;
          any = true;
        }
      if (any) out.push(upsertEffect(table, { ...key, ...moved }));
    }
    this.rows.clear();
    return out;
  }
}

/**
 * What one participant row contributes to the counters, times `sign` (the triggers' `STAGES` and
 * sales rules): each funnel stage in its group, unit and tier at enrolment from the bank day it held
 * (a unit row known only from a later day: no unit, '', until that day); its group sales now; and
 * its first contact, offer and acceptance on their day, counted from the day it was also enrolled.
 */
export function participantCounts(p: CeParticipant, day: (t: number) => string, sign: 1 | -1, into: CounterDelta, part: CountedPart = ALL): void {
  const unitDay = p.unitFrom === null ? null : day(p.unitFrom);
  const group = (unitId: string, asOf: string, column: string, amount: number) =>
    into.addOne(
      'ce_group_counts',
      `ce_group_counts\u0000${p.campaignId}\u0000${p.grp}\u0000${unitId}\u0000${p.tier}\u0000${asOf}`,
      () => ({ campaign_id: p.campaignId, grp: p.grp, unit_id: unitId, tier: p.tier, as_of_day: asOf }),
      column,
      amount,
    );
  for (const column of part.stages) {
    const at = column === 'enrolled' ? p.enrolledAt : p.first[STAGE_COLUMN[column]];
    if (at === null) continue;
    const held = day(Math.max(p.enrolledAt, at));
    if (unitDay !== null && unitDay > held) {
      group('', held, column, sign);
      group('', unitDay, column, -sign);
      group(p.unitId, unitDay, column, sign);
    } else group(p.unitId, held, column, sign);
    if (column !== 'enrolled' && column !== 'participated') {
      const shown = day(at);
      into.addOne('ce_day_counts', `ce_day_counts\u0000${p.campaignId}\u0000${shown}\u0000${held}`, () => ({ campaign_id: p.campaignId, day: shown, as_of_day: held }), column, sign);
    }
  }
  if (part.sales && (p.sales > 0 || p.revenueFen !== 0)) {
    const r = BigInt(p.revenueFen);
    into.add(
      'ce_group_sales_counts',
      { campaign_id: p.campaignId, grp: p.grp, unit_id: p.unitId, tier: p.tier },
      { converted: p.sales > 0 ? sign : 0, revenue_fen: sign * p.revenueFen, squares: BigInt(sign) * r * r },
    );
  }
}

type Stage = 'enrolled' | 'contacted' | 'offered' | 'accepted' | 'participated';
const STAGE_COLUMN: Record<Exclude<Stage, 'enrolled'>, FunnelColumn> = {
  contacted: 'first_contacted_at',
  offered: 'first_offered_at',
  accepted: 'first_accepted_at',
  participated: 'took_part_at',
};
const COLUMN_STAGE: Record<FunnelColumn, Stage> = { first_contacted_at: 'contacted', first_offered_at: 'offered', first_accepted_at: 'accepted', took_part_at: 'participated' };
/** Which of a participant's contributions a change can move: its stages' rows, its group sales row. */
export interface CountedPart {
  readonly stages: readonly Stage[];
  readonly sales: boolean;
}
const ALL: CountedPart = { stages: ['enrolled', 'contacted', 'offered', 'accepted', 'participated'], sales: true };
/** A change of the group sales only (a recount), or of some stages' first times only. */
export const SALES: CountedPart = { stages: [], sales: true };
export const stagesOf = (columns: readonly FunnelColumn[]): CountedPart => ({ stages: columns.map((c) => COLUMN_STAGE[c]), sales: false });

/**
 * A change to a participant, counted into `delta`: what it contributes after `change` less what it
 * contributed before (nothing before for a new participant). `part` names the contributions the
 * change can move (the others are the same before and after): all of them by default.
 */
export function countedChange(delta: CounterDelta, p: CeParticipant, day: (t: number) => string, isNew: boolean, change: () => void, part: CountedPart = ALL): void {
  if (!isNew) participantCounts(p, day, -1, delta, part);
  change();
  participantCounts(p, day, 1, delta, part);
}

/**
 * What the counters need beyond the facts' state, read once per batch for the subjects its events
 * name: which campaign each sale of the customers whose sales it records or reverses is tagged with
 * (the campaign's own sales and converted customers), each contacted customer's first contact per
 * campaign and channel, and which contacts, complaints and costs are already there (a fact seen
 * again is not counted again). The effects keep it up to date through the batch.
 */
export interface CeCounting {
  /** `customer conversion` → the campaign the sale is tagged with (tagged sales only). */
  readonly tagged: Map<string, string>;
  /** `customer campaign channel` → the first contact there (ms). */
  readonly firstContact: Map<string, number>;
  /** Contacts (`customer contact`), complaints and costs (their row keys) already counted. */
  readonly counted: Set<string>;
  /** What the batch's events so far add to the counters: given as effects once they are through (`settle`). */
  readonly delta: CounterDelta;
}
export const emptyCeCounting = (): CeCounting => ({ tagged: new Map(), firstContact: new Map(), counted: new Set(), delta: new CounterDelta() });
export const factKey = (...parts: string[]) => parts.join('\u0000');

const strings = (xs: unknown[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string'))];

/** A read's wall time, summed per name over batches when a bench profiles (`effectTimings`). */
async function timedRead(name: string, read: () => Promise<void>): Promise<void> {
  if (!effectTimings.enabled) return read();
  const started = performance.now();
  await read();
  const key = `campaign-effectiveness: state (counters: ${name})`;
  effectTimings.ms.set(key, (effectTimings.ms.get(key) ?? 0) + performance.now() - started);
}

/** At most five reads, each only when the batch has events of its kind. */
export async function loadCeCounting(tx: PoolClient, events: readonly RecordedEvent[]): Promise<CeCounting> {
  const c = emptyCeCounting();
  const data = (e: RecordedEvent) => e.data as Record<string, any>;
  const sales = strings(events.filter((e) => (e.type === 'ConversionRecorded' && data(e).campaignId) || e.type === 'ConversionReversed').map((e) => data(e).customerId));
  if (sales.length)
    await timedRead('tagged sales', async () => {
      const { rows } = await tx.query(`SELECT customer_id, conversion_id, campaign_id FROM ce_conversions WHERE customer_id = ANY($1::text[]) AND campaign_id IS NOT NULL`, [sales]);
      for (const r of rows) c.tagged.set(factKey(r.customer_id, r.conversion_id), r.campaign_id);
    });
  const contacts = events.filter((e) => e.type === 'CustomerContacted' && data(e).campaignId);
  if (contacts.length) {
    const customers = strings(contacts.map((e) => data(e).customerId));
    await timedRead('first contacts', async () => {
      const first = await tx.query(`SELECT customer_id, campaign_id, channel, first_at FROM ce_channel_customers WHERE customer_id = ANY($1::text[])`, [customers]);
      for (const r of first.rows) c.firstContact.set(factKey(r.customer_id, r.campaign_id, r.channel), (r.first_at as Date).getTime());
    });
    await timedRead('contacts there', async () => {
      const there = await tx.query(`SELECT customer_id, contact_id FROM ce_contacts WHERE customer_id = ANY($1::text[]) AND contact_id = ANY($2::text[])`, [
        customers,
        strings(contacts.map((e) => data(e).contactId)),
      ]);
      for (const r of there.rows) c.counted.add(factKey('contact', r.customer_id, r.contact_id));
    });
  }
  const complaints = events.filter((e) => e.type === 'ComplaintRecorded' && data(e).campaignId).map((e) => `${data(e).customerId}:${data(e).complaintId}`);
  if (complaints.length) for (const r of (await tx.query(`SELECT complaint_id FROM ce_complaints WHERE complaint_id = ANY($1::text[])`, [complaints])).rows) c.counted.add(factKey('complaint', r.complaint_id));
  const costs = events.filter((e) => e.type === 'CampaignCostRecorded').map((e) => `${data(e).campaignId}:${data(e).costId}`);
  if (costs.length) for (const r of (await tx.query(`SELECT cost_id FROM ce_costs WHERE cost_id = ANY($1::text[])`, [costs])).rows) c.counted.add(factKey('cost', r.cost_id));
  return c;
}
