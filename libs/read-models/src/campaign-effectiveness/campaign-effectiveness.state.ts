import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { timedQueries } from '../runner/effects';
import { withGenericPlans } from '../runner/sql';

/** Times are milliseconds since the epoch here; `seq` is the event's place in the log. */
export interface CeCampaign {
  readonly productCodes: readonly string[];
  launchedAt: number | null;
  closedAt: number | null;
}
export interface CeHistoryRow {
  readonly validFrom: number;
  readonly seq: bigint;
  readonly value: string;
}
export interface CeParticipant {
  readonly campaignId: string;
  readonly customerId: string;
  readonly grp: string;
  readonly enrolledAt: number;
  first: Record<FunnelColumn, number | null>;
  unitId: string;
  unitFrom: number | null;
  tier: string;
  sales: number;
  revenueFen: number;
  /** Its counting sales with the reversed ones and when they were reversed (`sale_at`, `sale_until`, `sale_revenue`), as a key to compare. */
  steps: string;
}
export interface CeConversion {
  readonly productCode: string;
  readonly occurredAt: number;
  readonly revenueFen: number;
  reversed: boolean;
  reversedAt: number | null;
}
export type FunnelColumn = 'first_contacted_at' | 'first_offered_at' | 'first_accepted_at' | 'took_part_at';
export const FUNNEL: readonly FunnelColumn[] = ['first_contacted_at', 'first_offered_at', 'first_accepted_at', 'took_part_at'];

/**
 * The rows a batch's events are about, read once per batch and kept up to date in memory by the
 * effects as they go through the batch in log order: the campaigns named, and for every customer
 * named (and every customer with a sale paired in a campaign the batch launches or closes, at or
 * after the bound it moves: see MOVED_BY_BOUNDS) their
 * participations, their sales and which of them count for which group; and the unit and tier
 * history of the customers the batch onboards, moves, re-tiers or enrols (the others are never placed).
 */
export interface CeState {
  readonly campaigns: Map<string, CeCampaign>;
  readonly units: Map<string, CeHistoryRow[]>;
  readonly tiers: Map<string, CeHistoryRow[]>;
  /** customer → campaign → participant. */
  readonly participants: Map<string, Map<string, CeParticipant>>;
  /** customer → conversion id → sale. */
  readonly conversions: Map<string, Map<string, CeConversion>>;
  /** `campaign customer` → the conversion ids that count for the participant's group. */
  readonly groupConversions: Map<string, Set<string>>;
}

export const emptyCeState = (): CeState => ({ campaigns: new Map(), units: new Map(), tiers: new Map(), participants: new Map(), conversions: new Map(), groupConversions: new Map() });
export const pairKey = (campaignId: string, customerId: string) => `${campaignId}\u0000${customerId}`;

const uniq = (xs: unknown[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string'))];
const ms = (t: Date | null) => (t ? t.getTime() : null);
const CLOSING = new Set(['CampaignLaunched', 'CampaignCompleted', 'CampaignCancelled']);
const PLACING = new Set(['CustomerOnboarded', 'CustomerTierChanged', 'CustomerTransferred', 'CustomerEnrolledInCampaign']);

const ENROLLED = 'CustomerEnrolledInCampaign';

/**
 * The customers whose counted sales in a campaign a launch or close may change. A sale counts from
 * the launch to the close, both included (`salesOf`), so a launch may change a sale paired at or after
 * the earlier of its new time (the event's) and the launch time until now, and a close only one paired
 * strictly after the earlier of its new time and the close time until now: a sale at either close
 * time counts under both. A sale before those counts, or not, as it did (before a launch it never
 * counts; at or before a close it still does), so its participant is not read: a close reads the few
 * sales paired after its time (imported, back-dated), not every participant with a paired sale (up to
 * a million). Times are to the millisecond on both sides (`occurredAt`), so the database's comparison
 * is the projection's.
 * The grouping is done by the database; one row per launch or close of the batch (a batch that both
 * launches and closes a campaign reads the customers either one changes).
 */
const MOVED_BY_BOUNDS = `
  SELECT DISTINCT g.customer_id
  FROM unnest($1::text[], $2::timestamptz[], $3::bool[]) AS m(campaign_id, at, launch)
  JOIN ce_campaigns k ON k.campaign_id = m.campaign_id
  JOIN ce_group_conversions g ON g.campaign_id = m.campaign_id
  JOIN ce_conversions c ON c.customer_id = g.customer_id AND c.conversion_id = g.conversion_id
  WHERE CASE WHEN m.launch THEN c.occurred_at >= least(m.at, k.launched_at) ELSE c.occurred_at > least(m.at, k.closed_at) END`;

/**
 * Seven reads at most for the whole batch (nine when it enrols customers it says nothing else about),
 * each for the subjects its events name (a customer's unit and tier history only for the customers it places).
 *
 * A customer the batch only enrols (a launch: every event of it is an enrolment) needs less than
 * all their rows: the enrolment looks at their participation in that campaign (there already?),
 * the sales of that campaign's products (paired with it from either side) and the pairs already
 * made in it. Their other participations, other products' sales and other campaigns' pairs are
 * never read, so none is loaded: for a launch to customers who took part in earlier campaigns,
 * the participants read returns nothing instead of every earlier participation. Any other event
 * about the customer in the batch (a sale, a contact, a move) reads all their rows, as before.
 */
export async function loadCeState(tx: PoolClient, events: readonly RecordedEvent[]): Promise<CeState> {
  const timedTx = timedQueries(tx, 'campaign-effectiveness: state:');
  // A launch or a close moves the run's bounds: the participants whose counted sales that changes are recounted.
  // Planned for its campaign ids (a generic plan scans every campaign's pairs and sales).
  const moves = events.filter((e) => CLOSING.has(e.type) && typeof d(e).campaignId === 'string');
  const paired = moves.length
    ? (
        await timedTx.query<{ customer_id: string }>(MOVED_BY_BOUNDS, [
          moves.map((e) => d(e).campaignId),
          moves.map((e) => at(e)),
          moves.map((e) => e.type === 'CampaignLaunched'),
        ])
      ).rows.map((r) => r.customer_id)
    : [];
  return withGenericPlans(timedTx, (read) => readCeState(read, events, paired));
}

async function readCeState(read: PoolClient['query'], events: readonly RecordedEvent[], paired: readonly string[]): Promise<CeState> {
  const s = emptyCeState();
  // Customers with all their rows, and the (campaign, customer) enrolments of those the batch only enrols.
  const customers = uniq([...events.filter((e) => e.type !== ENROLLED).map((e) => d(e).customerId), ...paired]);
  const whole = new Set(customers);
  const enrolOnly = new Map<string, readonly [string, string]>();
  for (const e of events) {
    if (e.type !== ENROLLED) continue;
    const { campaignId, customerId } = d(e);
    if (typeof customerId !== 'string' || typeof campaignId !== 'string' || whole.has(customerId)) continue;
    enrolOnly.set(pairKey(campaignId, customerId), [campaignId, customerId]);
  }
  const enrolments = [...enrolOnly.values()];
  // Where customers stood is needed only to place a participant: at enrolment, or when their history grows.
  const placing = uniq(events.filter((e) => PLACING.has(e.type)).map((e) => d(e).customerId));

  const history = async (table: string, column: string, into: Map<string, CeHistoryRow[]>) => {
    if (placing.length === 0) return;
    const { rows } = await read(`SELECT customer_id, valid_from, seq, ${column} AS value FROM ${table} WHERE customer_id = ANY($1::text[]) ORDER BY seq`, [placing]);
    for (const r of rows) into.set(r.customer_id, [...(into.get(r.customer_id) ?? []), { validFrom: (r.valid_from as Date).getTime(), seq: BigInt(r.seq), value: r.value }]);
  };
  await history('ce_customer_units', 'unit_id', s.units);
  await history('ce_customer_tiers', 'tier', s.tiers);

  const campaign = (r: Record<string, unknown>) => s.campaigns.set(r.campaign_id as string, { productCodes: r.product_codes as string[], launchedAt: ms(r.launched_at as Date | null), closedAt: ms(r.closed_at as Date | null) });
  const readCampaigns = async (ids: string[]) => {
    const missing = ids.filter((id) => !s.campaigns.has(id));
    if (missing.length === 0) return;
    const { rows } = await read(`SELECT campaign_id, product_codes, launched_at, closed_at FROM ce_campaigns WHERE campaign_id = ANY($1::text[])`, [missing]);
    rows.forEach(campaign);
  };
  // The campaigns the events name first: an enrolment's campaign says which products' sales it pairs.
  await readCampaigns(uniq(events.map((e) => d(e).campaignId)));

  const participant = (r: Record<string, unknown>) => {
    const p: CeParticipant = {
      campaignId: r.campaign_id as string,
      customerId: r.customer_id as string,
      grp: r.grp as string,
      enrolledAt: (r.enrolled_at as Date).getTime(),
      first: Object.fromEntries(FUNNEL.map((c) => [c, ms(r[c] as Date | null)])) as CeParticipant['first'],
      unitId: r.unit_id as string,
      unitFrom: ms(r.unit_from as Date | null),
      tier: r.tier as string,
      sales: r.sales as number,
      revenueFen: Number(r.revenue_fen),
      steps: stepsKey((r.sale_at as Date[]).map((t) => t.getTime()), (r.sale_until as (Date | null)[]).map(ms), (r.sale_revenue as string[]).map(Number)),
    };
    participantsOf(s, p.customerId).set(p.campaignId, p);
  };
  const conversion = (r: Record<string, unknown>) =>
    conversionsOf(s, r.customer_id as string).set(r.conversion_id as string, { productCode: r.product_code as string, occurredAt: (r.occurred_at as Date).getTime(), revenueFen: Number(r.revenue_fen), reversed: r.reversed as boolean, reversedAt: ms(r.reversed_at as Date | null) });
  const CONVERSION = `customer_id, conversion_id, product_code, occurred_at, revenue_fen, reversed, reversed_at`;

  const participants = customers.length ? (await read(`SELECT * FROM ce_participants WHERE customer_id = ANY($1::text[])`, [customers])).rows : [];
  participants.forEach(participant);
  if (customers.length) {
    (await read(`SELECT ${CONVERSION} FROM ce_conversions WHERE customer_id = ANY($1::text[])`, [customers])).rows.forEach(conversion);
    const groups = await read(`SELECT campaign_id, customer_id, conversion_id FROM ce_group_conversions WHERE customer_id = ANY($1::text[])`, [customers]);
    for (const r of groups.rows) groupConversionsOf(s, r.campaign_id, r.customer_id).add(r.conversion_id);
  }

  if (enrolments.length) {
    // By the primary keys' (campaign, customer) prefix: the few campaigns × the customers, then only the pairs enrolled.
    const campaignIds = uniq(enrolments.map((x) => x[0]));
    const customerIds = uniq(enrolments.map((x) => x[1]));
    const enrolledPair = (r: { campaign_id: string; customer_id: string }) => enrolOnly.has(pairKey(r.campaign_id, r.customer_id));
    const byPair = `campaign_id = ANY($1::text[]) AND customer_id = ANY($2::text[])`;
    (await read(`SELECT * FROM ce_participants WHERE ${byPair}`, [campaignIds, customerIds])).rows.filter(enrolledPair).forEach(participant);
    const groups = await read(`SELECT campaign_id, customer_id, conversion_id FROM ce_group_conversions WHERE ${byPair}`, [campaignIds, customerIds]);
    for (const r of groups.rows.filter(enrolledPair)) groupConversionsOf(s, r.campaign_id, r.customer_id).add(r.conversion_id);
    // The sales of the products of the campaigns they enrol in (a campaign drafted in this batch: from its event).
    const drafted = new Map(events.filter((e) => e.type === 'CampaignDrafted').map((e) => [d(e).campaignId as string, d(e).productCodes as string[]]));
    const products = uniq(campaignIds.flatMap((id) => [...(s.campaigns.get(id)?.productCodes ?? []), ...(drafted.get(id) ?? [])]));
    if (products.length) (await read(`SELECT ${CONVERSION} FROM ce_conversions WHERE customer_id = ANY($1::text[]) AND product_code = ANY($2::text[])`, [customerIds, products])).rows.forEach(conversion);
  }

  // The campaigns of the participations read (their bounds and products: recounts, pairs).
  await readCampaigns(uniq(participants.map((r) => r.campaign_id)));
  return s;
}

/** The participant's sale steps as one comparable string (a row is written only where they change). */
export const stepsKey = (at: readonly number[], until: readonly (number | null)[], revenueFen: readonly number[]) => JSON.stringify([at, until, revenueFen]);

export function participantsOf(s: CeState, customerId: string): Map<string, CeParticipant> {
  let m = s.participants.get(customerId);
  if (!m) s.participants.set(customerId, (m = new Map()));
  return m;
}
export function conversionsOf(s: CeState, customerId: string): Map<string, CeConversion> {
  let m = s.conversions.get(customerId);
  if (!m) s.conversions.set(customerId, (m = new Map()));
  return m;
}
export function groupConversionsOf(s: CeState, campaignId: string, customerId: string): Set<string> {
  const k = pairKey(campaignId, customerId);
  let set = s.groupConversions.get(k);
  if (!set) s.groupConversions.set(k, (set = new Set()));
  return set;
}
