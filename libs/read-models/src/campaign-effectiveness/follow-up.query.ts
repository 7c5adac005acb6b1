import type { WindowCounts } from '@app/domain';
import type { Queryable } from '../runner/read-model-position';

export interface ParticipantRow {
  readonly customerId: string;
  readonly group: string;
  readonly enrolledAt: string;
  readonly firstContactedAt: string | null;
  readonly firstOfferedAt: string | null;
  readonly firstAcceptedAt: string | null;
  readonly tookPartAt: string | null;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** A campaign's participant list (004 篇九 第三十条 2: kept during execution), by customer id. */
export async function campaignParticipants(db: Queryable, campaignId: string): Promise<ParticipantRow[]> {
  const { rows } = await db.query(
    `SELECT customer_id, grp, enrolled_at, first_contacted_at, first_offered_at, first_accepted_at, took_part_at
     FROM ce_participants WHERE campaign_id = $1 ORDER BY customer_id`,
    [campaignId],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    group: r.grp,
    enrolledAt: r.enrolled_at.toISOString(),
    firstContactedAt: iso(r.first_contacted_at),
    firstOfferedAt: iso(r.first_offered_at),
    firstAcceptedAt: iso(r.first_accepted_at),
    tookPartAt: iso(r.took_part_at),
  }));
}

/**
 * Campaigns whose period meets [from, to), per owning unit, and for each two that overlap in
 * time the number of customers enrolled in both (either group).
 */
export async function campaignCalendar(db: Queryable, from: string, to: string) {
  const { rows: campaigns } = await db.query(
    `SELECT campaign_id, name, owner_unit_id, status, period_start, period_end, treatment_count, control_count FROM ce_campaigns
     WHERE period_start < $2 AND period_end > $1 ORDER BY owner_unit_id, period_start, campaign_id`,
    [from, to],
  );
  const { rows: shared } = await db.query(
    `SELECT a.campaign_id AS a, b.campaign_id AS b, count(*)::int AS customers
     FROM ce_campaigns ka JOIN ce_campaigns kb ON ka.campaign_id < kb.campaign_id AND ka.period_start < kb.period_end AND kb.period_start < ka.period_end
     JOIN ce_participants a ON a.campaign_id = ka.campaign_id JOIN ce_participants b ON b.campaign_id = kb.campaign_id AND b.customer_id = a.customer_id
     WHERE ka.period_start < $2 AND ka.period_end > $1 AND kb.period_start < $2 AND kb.period_end > $1
     GROUP BY a.campaign_id, b.campaign_id ORDER BY a.campaign_id, b.campaign_id`,
    [from, to],
  );
  return {
    campaigns: campaigns.map((r) => ({
      campaignId: r.campaign_id,
      name: r.name,
      ownerUnitId: r.owner_unit_id,
      status: r.status,
      period: { start: r.period_start.toISOString(), end: r.period_end.toISOString() },
      enrolled: r.treatment_count + r.control_count,
    })),
    overlaps: shared.map((r) => ({ campaigns: [r.a, r.b] as [string, string], sharedCustomers: r.customers })),
  };
}

/** Every contact a campaign's staff made, per bank day over all channels (re-contacts included: the plan's execution, not its reach). */
export async function campaignContactsByDay(db: Queryable, campaignId: string): Promise<{ date: string; contacts: number }[]> {
  const { rows } = await db.query<{ date: string; contacts: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS date, sum(contacts) AS contacts FROM ce_channel_counts WHERE campaign_id = $1 GROUP BY day HAVING sum(contacts) <> 0 ORDER BY day`,
    [campaignId],
  );
  return rows.map((r) => ({ date: r.date, contacts: Number(r.contacts) }));
}

/**
 * The customers' reaction counted in each window of the 旬 checks (tenDayChecks), in their order:
 * `bounds` are the windows' bank days as instants ([from, to), reactionBounds), passed as two arrays
 * and counted where the rows are — per window the complaints raised in it and the distinct customers
 * the campaign contacted in it (counted over the window, not added up per day). Each count is a
 * range of the (campaign_id, occurred_at) index: the rows of that campaign and window only, and no
 * row leaves the database (a 4-year campaign has 144 windows).
 */
export async function campaignWindowCounts(
  db: Queryable,
  campaignId: string,
  bounds: readonly { readonly from: string; readonly to: string }[],
): Promise<{ complaints: number; customersContacted: number }[]> {
  if (bounds.length === 0) return [];
  const { rows } = await db.query<{ i: string; complaints: number; customers: number }>(
    `SELECT w.i,
       (SELECT count(*) FROM ce_complaints c WHERE c.campaign_id = $1 AND c.occurred_at >= w.f AND c.occurred_at < w.t)::int AS complaints,
       (SELECT count(DISTINCT x.customer_id) FROM ce_contacts x WHERE x.campaign_id = $1 AND x.occurred_at >= w.f AND x.occurred_at < w.t)::int AS customers
     FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS w(f, t, i) ORDER BY w.i`,
    [campaignId, bounds.map((b) => b.from), bounds.map((b) => b.to)],
  );
  return rows.map((r) => ({ complaints: r.complaints, customersContacted: r.customers }));
}

/**
 * The customers' reaction in each 旬 window of the follow-up (tenDayWindows: bank days [firstDay,
 * lastDay] inside one 旬, the first one starting at the period's first bank day), in their order,
 * and over the whole campaign: each a sum over the window's rows of ce_reaction_counts (one per bank
 * day the campaign had a reaction), never over its contacts — the same few rows for 5,000 or 500,000
 * contacts. The distinct customers contacted in a window are the sum of its days' customers first
 * contacted in their 旬 (see the counters); `customersContacted` of the whole campaign is not given
 * (a customer is counted in every 旬 they were contacted in).
 */
export async function campaignReactionCounts(
  db: Queryable,
  campaignId: string,
  windows: readonly { readonly firstDay: string; readonly lastDay: string }[],
): Promise<{ windows: WindowCounts[]; whole: Omit<WindowCounts, 'customersContacted'> }> {
  const { rows } = await db.query<{ i: string | null; feedback: number; ratings: number; rating_sum: number; complaints: number; customers: number }>(
    `SELECT w.i, coalesce(sum(r.feedback), 0)::int AS feedback, coalesce(sum(r.ratings), 0)::int AS ratings, coalesce(sum(r.rating_sum), 0)::float8 AS rating_sum,
            coalesce(sum(r.complaints), 0)::int AS complaints, coalesce(sum(r.customers), 0)::int AS customers
     FROM unnest($2::date[], $3::date[]) WITH ORDINALITY AS w(f, l, i)
     LEFT JOIN ce_reaction_counts r ON r.campaign_id = $1 AND r.day >= w.f AND r.day <= w.l
     GROUP BY w.i
     UNION ALL
     SELECT NULL, coalesce(sum(feedback), 0)::int, coalesce(sum(ratings), 0)::int, coalesce(sum(rating_sum), 0)::float8, coalesce(sum(complaints), 0)::int, 0
     FROM ce_reaction_counts WHERE campaign_id = $1
     ORDER BY 1`,
    [campaignId, windows.map((w) => w.firstDay), windows.map((w) => w.lastDay)],
  );
  const counts = (r: (typeof rows)[number]) => ({ feedback: r.feedback, ratings: r.ratings, ratingSum: r.rating_sum, complaints: r.complaints, customersContacted: r.customers });
  const whole = rows.find((r) => r.i === null)!;
  const { customersContacted: _, ...wholeCounts } = counts(whole);
  return { windows: rows.filter((r) => r.i !== null).map(counts), whole: wholeCounts };
}

/** The campaign's period and targets as drafted (null for a campaign the read model does not hold). */
export async function campaignPlan(db: Queryable, campaignId: string): Promise<{ period: { start: string; end: string }; targets: { conversions: number | null; revenue: string | null } } | null> {
  const { rows } = await db.query(`SELECT period_start, period_end, target_conversions, target_revenue FROM ce_campaigns WHERE campaign_id = $1`, [campaignId]);
  const r = rows[0];
  if (!r) return null;
  return { period: { start: r.period_start.toISOString(), end: r.period_end.toISOString() }, targets: { conversions: r.target_conversions, revenue: r.target_revenue } };
}
