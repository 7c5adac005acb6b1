import { bankTimeZone } from '@app/domain';
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
 * The facts each 旬 check puts in its window (tenDayChecks): the complaints about the campaign's
 * contacts, each with its time, and who its staff contacted — one row per customer and bank day
 * (the first contact of that day), enough to count the customers a window reached.
 */
export async function campaignReactionFacts(db: Queryable, campaignId: string): Promise<{ complaints: { at: string; customerId: string }[]; contacts: { at: string; customerId: string }[] }> {
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
