import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { periodBound, type CampaignEvent, type CustomerEvent } from '@app/domain';
import { effectProjection, sortedUnion, timedQueries, update, upsert, type Effect } from '../runner/effects';
import { occurredAt } from '../runner/event-fields';
import { CUSTOMER_DIRECTORY, CUSTOMER_DIRECTORY_TABLES } from './customer-directory.tables';

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

/** An enrolment's change of the two sets (sorted by code point, as the database adds to them; a treatment enrolment leaves `control_in` as it is). */
function enrolment(row: Pick<CustomerDirectoryRow, 'enrolled_in' | 'control_in'>, campaignId: string, group: string): Pick<CustomerDirectoryRow, 'enrolled_in'> & Partial<Pick<CustomerDirectoryRow, 'control_in'>> {
  return { enrolled_in: sortedUnion(row.enrolled_in, [campaignId]), ...(group === 'control' ? { control_in: sortedUnion(row.control_in, [campaignId]) } : {}) };
}

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
      return row && { ...row, ...enrolment(row, event.data.campaignId, event.data.group) };
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
      // A bank day (an imported plan may give one) read as the decider reads it, not as the database session's midnight.
      return {
        campaign_id: event.data.campaignId,
        status: row?.status ?? 'draft',
        period_start: periodBound(event.data.period.start, 'start') ?? event.data.period.start,
        period_end: periodBound(event.data.period.end, 'end') ?? event.data.period.end,
      };
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

/** The rows a batch is about, read once per batch and evolved in memory in log order (null: not onboarded / drafted yet). */
export interface DirectoryState {
  readonly customers: Map<string, CustomerDirectoryRow | null>;
  readonly campaigns: Map<string, DirectoryCampaignRow | null>;
  /** Customers the batch only enrols: their rows are not read; each enrolment adds to the row's two sets in the database. */
  readonly enrolOnly?: ReadonlySet<string>;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const isCampaignEvent = (e: RecordedEvent) => (CAMPAIGN_TYPES as readonly string[]).includes(e.type);

const CUSTOMER_COLUMNS = Object.keys(CUSTOMER_DIRECTORY.columns)
  .filter((c) => c !== 'contact_times')
  .join(', ');

const ENROLLED = 'CustomerEnrolledInCampaign';

/**
 * The rows of the customers and campaigns the batch names, but for the customers it only enrols (a
 * launch): an enrolment adds the campaign to two sets, which the database does as it writes the row
 * (`union`), so their rows (sixteen columns each, arrays and a JSON object among them) are neither
 * read nor parsed. A customer with any other event in the batch is read whole, as before.
 */
export async function loadDirectoryState(client: PoolClient, events: readonly RecordedEvent[]): Promise<DirectoryState> {
  const tx = timedQueries(client, 'customer-directory: state:');
  const customerId = (e: RecordedEvent) => (e.data as Record<string, string>).customerId!;
  const customerEvents = events.filter((e) => !isCampaignEvent(e));
  const whole = new Set(customerEvents.filter((e) => e.type !== ENROLLED).map(customerId));
  const enrolOnly = new Set(customerEvents.map(customerId).filter((id) => !whole.has(id)));
  const campaignIds = [...new Set(events.filter(isCampaignEvent).map((e) => (e.data as Record<string, string>).campaignId!))];
  // contact_times is derived from campaign_contacts when a row is written, never evolved: not read (nor parsed).
  const customers = whole.size ? (await tx.query<CustomerDirectoryRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customer_directory WHERE customer_id = ANY($1::text[])`, [[...whole]])).rows : [];
  const campaigns = campaignIds.length ? (await tx.query<DirectoryCampaignRow>(`SELECT * FROM directory_campaigns WHERE campaign_id = ANY($1::text[])`, [campaignIds])).rows : [];
  // Times come back as Dates; rows keep ISO strings, as events carry them.
  return {
    customers: new Map(customers.map((r) => [r.customer_id, { ...r, risk_valid_until: iso(r.risk_valid_until), last_active_at: iso(r.last_active_at)! }])),
    campaigns: new Map(campaigns.map((r) => [r.campaign_id, { ...r, period_start: iso(r.period_start)!, period_end: iso(r.period_end)! }])),
    enrolOnly,
  };
}

/**
 * The times of a row's campaign contacts, newest first (as written to `contact_times`): at most
 * `cap` contacts since a time is the same as the cap-th newest not after it, so the audience
 * rule's contact cap is one array subscript per customer, which a parallel worker can evaluate.
 */
export function contactTimesNewestFirst(contacts: Record<string, string>): string[] {
  return Object.values(contacts)
    .map((t) => Date.parse(t))
    .sort((a, b) => b - a)
    .map((t) => new Date(t).toISOString());
}

/**
 * The columns of a customer's row an event changed: a column evolving leaves as it was keeps its
 * value (the same string, number or the same array or object), so what differs is what changed
 * (a new array with the same elements is written again, which is harmless).
 */
function changedColumns(before: CustomerDirectoryRow, after: CustomerDirectoryRow): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  for (const c of Object.keys(after) as (keyof CustomerDirectoryRow)[]) {
    if (before[c] === after[c]) continue;
    if (c === 'campaign_contacts') {
      change.campaign_contacts = JSON.stringify(after.campaign_contacts);
      change.contact_times = contactTimesNewestFirst(after.campaign_contacts);
    } else change[c] = after[c];
  }
  return change;
}

/**
 * What one event does: its campaign's row evolved, written whole; its customer's row written whole
 * when the batch creates it, and otherwise only the columns the event changed (an enrolment: its two
 * lists), so the UPDATE sends and sets two columns, not seventeen, and no INSERT is tried for a row
 * that is there. A row in the state is in the table or in this batch's insert (an earlier event's
 * upsert), so an update reaches it either way.
 */
export function directoryEffects(e: RecordedEvent, s: DirectoryState): Effect[] {
  if (isCampaignEvent(e)) {
    const id = (e.data as { campaignId: string }).campaignId;
    const row = evolveCampaignRow(s.campaigns.get(id) ?? null, e as unknown as CampaignEvent);
    s.campaigns.set(id, row);
    return row ? [upsert('directory_campaigns', { ...row })] : [];
  }
  const id = (e.data as { customerId: string }).customerId;
  if (s.enrolOnly?.has(id)) {
    // Not read: the campaign is added to the sets of the row there (none: not onboarded, nothing changes).
    const { campaignId, group } = (e as unknown as Extract<CustomerEvent, { type: 'CustomerEnrolledInCampaign' }>).data;
    return [update('customer_directory', { customer_id: id, ...enrolment({ enrolled_in: [], control_in: [] }, campaignId, group) })];
  }
  const before = s.customers.get(id) ?? null;
  const row = evolveCustomerRow(before, e as unknown as CustomerEvent, occurredAt(e));
  s.customers.set(id, row);
  if (!row || row === before) return [];
  if (before) {
    const change = changedColumns(before, row);
    return Object.keys(change).length ? [update('customer_directory', { customer_id: id, ...change })] : [];
  }
  return [upsert('customer_directory', { ...row, campaign_contacts: JSON.stringify(row.campaign_contacts), contact_times: contactTimesNewestFirst(row.campaign_contacts) })];
}

/**
 * Customers as audiences see them: home unit, tier, segment, gender, age, manager, products held,
 * last transaction, risk tolerance, recent campaign contacts, campaign enrolments, and whether a
 * campaign may reach them at all (channels opted out of, data erased); and the campaigns' periods
 * and whether they run, for the control-group and overlap rules.
 */
export const customerDirectoryProjection = effectProjection<DirectoryState>({
  name: 'customer-directory',
  // 4: effects, written by the runner; 5: contact_times (the contact cap without a subquery per row); 6: a campaign
  // period given in bank days read as the decider reads it; 7: enrolled_in and control_in sorted by code point (were
  // UTF-16 units: a row built before differs from one a launch adds to where an id mixes characters past U+FFFF with
  // U+E000–U+FFFF), and the columns only the audience rule's CASE reads kept without statistics
  version: 7,
  dependsOnTimeZone: true, // a campaign period given as bank days, turned into instants in the bank's zone
  tables: CUSTOMER_DIRECTORY_TABLES,
  eventTypes: [...CUSTOMER_TYPES, ...CAMPAIGN_TYPES],
  state: loadDirectoryState,
  effects: directoryEffects,
});
