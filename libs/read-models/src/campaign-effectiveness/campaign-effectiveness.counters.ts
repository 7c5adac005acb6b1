/**
 * The counters an effectiveness answer reads: a few dozen rows per campaign whatever the history
 * size, kept in step with the fact tables by statement-level triggers. Each trigger adds what the
 * inserted or updated rows now contribute and takes off what the old rows contributed (transition
 * tables), so a counter is always the sum over its fact rows: applying a batch twice, or a
 * statement that changes nothing, moves nothing. Fact rows a campaign keeps per participant
 * (`sales`, `revenue_fen`, unit and tier at enrolment) are recomputed by the projection from the
 * facts, never incremented, for the same reason.
 *
 *   ce_group_counts   (campaign, group, unit at enrolment, tier at enrolment): enrolled, reached each
 *                     funnel stage, took part, converted (customers with a counting sale), revenue and
 *                     the sum of each customer's revenue squared (for the revenue interval)
 *   ce_day_counts     (campaign, business day): first contacts/offers/acceptances that day, and the
 *                     campaign's own (tagged) sales and revenue that day
 *   ce_channel_counts (campaign, channel): contacts and customers contacted
 *   ce_campaign_totals (campaign): tagged sales, customers, revenue; cost; complaints
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

/** AFTER INSERT and AFTER UPDATE statement triggers on `table` running the upserts over the changed rows. */
function triggers(table: string, upserts: readonly Upsert[], extra: { insert?: string } = {}): string[] {
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
    fn('ins', inserted, extra.insert),
    fn('upd', updated),
    `CREATE TRIGGER ${table}_count_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_ins()`,
    `CREATE TRIGGER ${table}_count_upd AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_upd()`,
  ];
}

const flag = (condition: string) => `(${condition})::int`;

export function countingTriggers(timeZone: string): string[] {
  const zone = timeZone.replace(/'/g, "''");
  return [
    // The bank's business day of an instant.
    `CREATE FUNCTION ce_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$ SELECT (at AT TIME ZONE '${zone}')::date $$`,
    `CREATE TABLE ce_group_counts (
      campaign_id text NOT NULL, grp text NOT NULL, unit_id text NOT NULL, tier text NOT NULL,
      enrolled integer NOT NULL DEFAULT 0, contacted integer NOT NULL DEFAULT 0, offered integer NOT NULL DEFAULT 0,
      accepted integer NOT NULL DEFAULT 0, participated integer NOT NULL DEFAULT 0, converted integer NOT NULL DEFAULT 0,
      revenue_fen bigint NOT NULL DEFAULT 0, squares numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, grp, unit_id, tier))`,
    `CREATE TABLE ce_day_counts (
      campaign_id text NOT NULL, day date NOT NULL,
      contacted integer NOT NULL DEFAULT 0, offered integer NOT NULL DEFAULT 0, accepted integer NOT NULL DEFAULT 0,
      sales integer NOT NULL DEFAULT 0, revenue_fen bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, day))`,
    `CREATE TABLE ce_channel_counts (campaign_id text NOT NULL, channel text NOT NULL, contacts integer NOT NULL DEFAULT 0, customers integer NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, channel))`,
    `CREATE TABLE ce_channel_customers (campaign_id text NOT NULL, channel text NOT NULL, customer_id text NOT NULL, PRIMARY KEY (campaign_id, channel, customer_id))`,
    `CREATE TABLE ce_tagged_customers (campaign_id text NOT NULL, customer_id text NOT NULL, sales integer NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, customer_id))`,
    `CREATE TABLE ce_campaign_totals (
      campaign_id text PRIMARY KEY, tagged_sales integer NOT NULL DEFAULT 0, tagged_customers integer NOT NULL DEFAULT 0,
      tagged_revenue_fen bigint NOT NULL DEFAULT 0, cost_fen bigint NOT NULL DEFAULT 0, complaints integer NOT NULL DEFAULT 0)`,

    // A participant counts once in its group, unit and tier at enrolment, and on the day it first reached each stage.
    ...triggers('ce_participants', [
      {
        into: 'ce_group_counts',
        keys: ['campaign_id', 'grp', 'unit_id', 'tier'],
        keyExprs: ['s.campaign_id', 's.grp', 's.unit_id', 's.tier'],
        sums: {
          enrolled: '1',
          contacted: flag('s.first_contacted_at IS NOT NULL'),
          offered: flag('s.first_offered_at IS NOT NULL'),
          accepted: flag('s.first_accepted_at IS NOT NULL'),
          participated: flag('s.took_part_at IS NOT NULL'),
          converted: flag('s.sales > 0'),
          revenue_fen: 's.revenue_fen',
          squares: 's.revenue_fen::numeric * s.revenue_fen',
        },
      },
      {
        into: 'ce_day_counts',
        keys: ['campaign_id', 'day'],
        keyExprs: ['s.campaign_id', 'd.day'],
        join: `CROSS JOIN LATERAL (VALUES (ce_day(s.first_contacted_at), 1, 0, 0), (ce_day(s.first_offered_at), 0, 1, 0), (ce_day(s.first_accepted_at), 0, 0, 1)) AS d(day, contacted, offered, accepted)`,
        where: 'd.day IS NOT NULL',
        sums: { contacted: 'd.contacted', offered: 'd.offered', accepted: 'd.accepted' },
      },
    ]),
    // A sale tagged with the campaign (direct attribution), while not reversed: on its day, in the totals, and for its customer.
    ...triggers('ce_conversions', [
      {
        into: 'ce_day_counts',
        keys: ['campaign_id', 'day'],
        keyExprs: ['s.campaign_id', 'ce_day(s.occurred_at)'],
        where: 's.campaign_id IS NOT NULL AND NOT s.reversed',
        sums: { sales: '1', revenue_fen: 's.revenue_fen' },
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
    ]),
    // A customer with at least one tagged sale not reversed is one converted customer.
    ...triggers('ce_tagged_customers', [
      { into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { tagged_customers: flag('s.sales > 0') } },
    ]),
    ...triggers('ce_costs', [{ into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { cost_fen: 's.amount_fen' } }]),
    ...triggers('ce_complaints', [{ into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { complaints: '1' } }]),
    // Contacts per channel, and each customer once per channel (the first contact there is new in ce_channel_customers).
    ...triggers(
      'ce_contacts',
      [{ into: 'ce_channel_counts', keys: ['campaign_id', 'channel'], keyExprs: ['s.campaign_id', 's.channel'], sums: { contacts: '1' } }],
      { insert: `INSERT INTO ce_channel_customers (campaign_id, channel, customer_id) SELECT DISTINCT campaign_id, channel, customer_id FROM new_rows ON CONFLICT DO NOTHING;` },
    ),
    ...triggers('ce_channel_customers', [{ into: 'ce_channel_counts', keys: ['campaign_id', 'channel'], keyExprs: ['s.campaign_id', 's.channel'], sums: { customers: '1' } }]),
  ];
}
