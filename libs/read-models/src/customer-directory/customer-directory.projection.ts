import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import type { CampaignEvent, CustomerEvent } from '@app/domain';
import type { Projection } from '../runner/projection';
import { CUSTOMER_DIRECTORY_TABLES } from './customer-directory.tables';

export interface CustomerDirectoryRow {
  customer_id: string;
  home_unit_id: string;
  segment: string;
  gender: string;
  tier: string;
  manager_id: string | null;
  holdings: string[];
  /** Channels the customer opted out of. */
  opted_out: string[];
  erased: boolean;
  birth_year: number | null;
  risk_tolerance: string | null;
  risk_valid_until: string | null;
  /** The last transaction (a sale, a card payment), or onboarding before any. */
  last_active_at: string;
  /** Campaign contacts of the last 30 days before the latest: contact id → time (keyed, so a batch applied twice counts once). */
  campaign_contacts: Record<string, string>;
  enrolled_in: string[];
  control_in: string[];
}

const CUSTOMER_TYPES = [
  'CustomerOnboarded',
  'CustomerTierChanged',
  'CustomerAssignedToManager',
  'CustomerTransferred',
  'BalanceSnapshotRecorded',
  'ConversionRecorded',
  'ConsentWithdrawn',
  'ConsentGranted',
  'CustomerDataErased',
  'RiskProfileAssessed',
  'CustomerContacted',
  'CustomerEnrolledInCampaign',
  'TransactionPointsEarned',
] as const;
const CAMPAIGN_TYPES = ['CampaignDrafted', 'CampaignLaunched', 'CampaignCompleted', 'CampaignCancelled'] as const;

const DAY = 86_400_000;
const set = (values: readonly string[], add: string) => [...new Set([...values, add])].sort();
const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** The pure part: a row after one event at its business time (`null` row: not onboarded yet). */
export function evolveCustomerRow(row: CustomerDirectoryRow | null, event: CustomerEvent | { type: 'TransactionPointsEarned'; data: { customerId: string } }, occurredAt: string): CustomerDirectoryRow | null {
  switch (event.type) {
    case 'CustomerOnboarded':
      return {
        customer_id: event.data.customerId,
        home_unit_id: event.data.homeUnitId,
        segment: event.data.segment,
        gender: event.data.gender,
        tier: row?.tier ?? 'ordinary',
        manager_id: row?.manager_id ?? null,
        holdings: row?.holdings ?? [],
        opted_out: row?.opted_out ?? [],
        erased: row?.erased ?? false,
        birth_year: event.data.birthYear ?? null,
        risk_tolerance: row?.risk_tolerance ?? null,
        risk_valid_until: row?.risk_valid_until ?? null,
        last_active_at: row ? later(row.last_active_at, occurredAt) : occurredAt,
        campaign_contacts: row?.campaign_contacts ?? {},
        enrolled_in: row?.enrolled_in ?? [],
        control_in: row?.control_in ?? [],
      };
    case 'CustomerTierChanged':
      return row && { ...row, tier: event.data.to };
    case 'CustomerAssignedToManager':
      return row && { ...row, manager_id: event.data.staffId };
    case 'CustomerTransferred':
      return row && { ...row, home_unit_id: event.data.toUnitId };
    case 'BalanceSnapshotRecorded':
      return row && { ...row, holdings: [...new Set(event.data.holdings)].sort() };
    case 'ConversionRecorded':
      return row && { ...row, holdings: set(row.holdings, event.data.productCode), last_active_at: later(row.last_active_at, occurredAt) };
    case 'TransactionPointsEarned':
      return row && { ...row, last_active_at: later(row.last_active_at, occurredAt) };
    case 'ConsentWithdrawn':
      return row && { ...row, opted_out: set(row.opted_out, event.data.channel) };
    case 'ConsentGranted':
      return row && { ...row, opted_out: row.opted_out.filter((ch) => ch !== event.data.channel) };
    case 'CustomerDataErased':
      return row && { ...row, erased: true };
    case 'RiskProfileAssessed':
      return row && { ...row, risk_tolerance: event.data.tolerance, risk_valid_until: event.data.validUntil };
    case 'CustomerEnrolledInCampaign':
      return row && { ...row, enrolled_in: set(row.enrolled_in, event.data.campaignId), control_in: event.data.group === 'control' ? set(row.control_in, event.data.campaignId) : row.control_in };
    case 'CustomerContacted': {
      if (!row || event.data.campaignId === null) return row;
      // Only the contact cap's 30 days matter: older contacts than 30 days before the latest are dropped.
      const all = { ...row.campaign_contacts, [event.data.contactId]: event.data.contactedAt };
      const newest = Math.max(...Object.values(all).map((t) => Date.parse(t)));
      return { ...row, campaign_contacts: Object.fromEntries(Object.entries(all).filter(([, t]) => Date.parse(t) > newest - 30 * DAY)) };
    }
    default:
      return row;
  }
}

export interface DirectoryCampaignRow {
  campaign_id: string;
  status: string;
  period_start: string;
  period_end: string;
}

export function evolveCampaignRow(row: DirectoryCampaignRow | null, event: CampaignEvent): DirectoryCampaignRow | null {
  switch (event.type) {
    case 'CampaignDrafted':
      return { campaign_id: event.data.campaignId, status: row?.status ?? 'draft', period_start: event.data.period.start, period_end: event.data.period.end };
    case 'CampaignLaunched':
      return row && { ...row, status: 'launched' };
    case 'CampaignCompleted':
      return row && { ...row, status: 'completed' };
    case 'CampaignCancelled':
      return row && { ...row, status: 'cancelled' };
    default:
      return row;
  }
}

/**
 * Customers as audiences see them: home unit, tier, segment, gender, age, manager, products held,
 * last transaction, risk tolerance, recent campaign contacts, campaign enrolments, and whether a
 * campaign may reach them at all (channels opted out of, data erased); and the campaigns' periods
 * and whether they run, for the control-group and overlap rules.
 */
export const customerDirectoryProjection: Projection = {
  name: 'customer-directory',
  version: 3,
  tables: CUSTOMER_DIRECTORY_TABLES,
  eventTypes: [...CUSTOMER_TYPES, ...CAMPAIGN_TYPES],
  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const campaignEvents = events.filter((e) => (CAMPAIGN_TYPES as readonly string[]).includes(e.type));
    const customerEvents = events.filter((e) => !(CAMPAIGN_TYPES as readonly string[]).includes(e.type));
    if (campaignEvents.length > 0) await applyCampaigns(tx, campaignEvents);
    if (customerEvents.length === 0) return;
    const ids = [...new Set(customerEvents.map((e) => (e.data as { customerId: string }).customerId))];
    const { rows } = await tx.query<CustomerDirectoryRow>(`SELECT * FROM customer_directory WHERE customer_id = ANY($1::text[])`, [ids]);
    // Times come back as Dates; rows keep ISO strings, as events carry them.
    const current = new Map<string, CustomerDirectoryRow | null>(
      rows.map((r) => [r.customer_id, { ...r, risk_valid_until: iso(r.risk_valid_until), last_active_at: iso(r.last_active_at)! }]),
    );
    for (const e of customerEvents) {
      const id = (e.data as { customerId: string }).customerId;
      current.set(id, evolveCustomerRow(current.get(id) ?? null, e as unknown as CustomerEvent, e.metadata.occurredAt));
    }
    const changed = [...current.values()].filter((r): r is CustomerDirectoryRow => r !== null);
    if (changed.length === 0) return;
    const col = <K extends keyof CustomerDirectoryRow>(k: K) => changed.map((r) => r[k]);
    await tx.query(
      `INSERT INTO customer_directory (customer_id, home_unit_id, segment, gender, tier, manager_id, holdings, opted_out, erased,
         birth_year, risk_tolerance, risk_valid_until, last_active_at, campaign_contacts, enrolled_in, control_in)
       SELECT r.customer_id, r.home_unit_id, r.segment, r.gender, r.tier, r.manager_id, ARRAY(SELECT jsonb_array_elements_text(r.holdings)),
         ARRAY(SELECT jsonb_array_elements_text(r.opted_out)), r.erased, r.birth_year, r.risk_tolerance, r.risk_valid_until, r.last_active_at,
         r.campaign_contacts, ARRAY(SELECT jsonb_array_elements_text(r.enrolled_in)), ARRAY(SELECT jsonb_array_elements_text(r.control_in))
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::boolean[],
         $10::int[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::jsonb[], $15::jsonb[], $16::jsonb[])
         AS r(customer_id, home_unit_id, segment, gender, tier, manager_id, holdings, opted_out, erased,
           birth_year, risk_tolerance, risk_valid_until, last_active_at, campaign_contacts, enrolled_in, control_in)
       ON CONFLICT (customer_id) DO UPDATE SET home_unit_id = EXCLUDED.home_unit_id, segment = EXCLUDED.segment, gender = EXCLUDED.gender,
         tier = EXCLUDED.tier, manager_id = EXCLUDED.manager_id, holdings = EXCLUDED.holdings, opted_out = EXCLUDED.opted_out, erased = EXCLUDED.erased,
         birth_year = EXCLUDED.birth_year, risk_tolerance = EXCLUDED.risk_tolerance, risk_valid_until = EXCLUDED.risk_valid_until,
         last_active_at = EXCLUDED.last_active_at, campaign_contacts = EXCLUDED.campaign_contacts, enrolled_in = EXCLUDED.enrolled_in, control_in = EXCLUDED.control_in`,
      [
        col('customer_id'),
        col('home_unit_id'),
        col('segment'),
        col('gender'),
        col('tier'),
        col('manager_id'),
        changed.map((r) => JSON.stringify(r.holdings)),
        changed.map((r) => JSON.stringify(r.opted_out)),
        col('erased'),
        col('birth_year'),
        col('risk_tolerance'),
        col('risk_valid_until'),
        col('last_active_at'),
        changed.map((r) => JSON.stringify(r.campaign_contacts)),
        changed.map((r) => JSON.stringify(r.enrolled_in)),
        changed.map((r) => JSON.stringify(r.control_in)),
      ],
    );
  },
};

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

async function applyCampaigns(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
  const ids = [...new Set(events.map((e) => (e.data as { campaignId: string }).campaignId))];
  const { rows } = await tx.query<DirectoryCampaignRow>(`SELECT * FROM directory_campaigns WHERE campaign_id = ANY($1::text[])`, [ids]);
  const current = new Map<string, DirectoryCampaignRow | null>(rows.map((r) => [r.campaign_id, { ...r, period_start: iso(r.period_start)!, period_end: iso(r.period_end)! }]));
  for (const e of events) {
    const id = (e.data as { campaignId: string }).campaignId;
    current.set(id, evolveCampaignRow(current.get(id) ?? null, e as unknown as CampaignEvent));
  }
  const changed = [...current.values()].filter((r): r is DirectoryCampaignRow => r !== null);
  if (changed.length === 0) return;
  await tx.query(
    `INSERT INTO directory_campaigns (campaign_id, status, period_start, period_end)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])
     ON CONFLICT (campaign_id) DO UPDATE SET status = EXCLUDED.status, period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end`,
    [changed.map((r) => r.campaign_id), changed.map((r) => r.status), changed.map((r) => r.period_start), changed.map((r) => r.period_end)],
  );
}
