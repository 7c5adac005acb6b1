import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import type { CustomerEvent } from '@app/domain';
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
}

const TYPES = [
  'CustomerOnboarded',
  'CustomerTierChanged',
  'CustomerAssignedToManager',
  'CustomerTransferred',
  'BalanceSnapshotRecorded',
  'ConversionRecorded',
  'ConsentWithdrawn',
  'ConsentGranted',
  'CustomerDataErased',
] as const;

/** The pure part: a row after one event (`null` row: not onboarded yet). */
export function evolveCustomerRow(row: CustomerDirectoryRow | null, event: CustomerEvent): CustomerDirectoryRow | null {
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
      return row && { ...row, holdings: [...new Set([...row.holdings, event.data.productCode])].sort() };
    case 'ConsentWithdrawn':
      return row && { ...row, opted_out: [...new Set([...row.opted_out, event.data.channel])].sort() };
    case 'ConsentGranted':
      return row && { ...row, opted_out: row.opted_out.filter((ch) => ch !== event.data.channel) };
    case 'CustomerDataErased':
      return row && { ...row, erased: true };
    default:
      return row;
  }
}

/**
 * Customers as audiences see them: home unit, tier, segment, gender, manager, products held, and
 * whether a campaign may reach them at all (channels opted out of, data erased).
 */
export const customerDirectoryProjection: Projection = {
  name: 'customer-directory',
  version: 2,
  tables: CUSTOMER_DIRECTORY_TABLES,
  eventTypes: TYPES,
  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const ids = [...new Set(events.map((e) => (e.data as { customerId: string }).customerId))];
    const { rows } = await tx.query<CustomerDirectoryRow>(`SELECT * FROM customer_directory WHERE customer_id = ANY($1::text[])`, [ids]);
    const current = new Map<string, CustomerDirectoryRow | null>(rows.map((r) => [r.customer_id, r]));
    for (const e of events) {
      const id = (e.data as { customerId: string }).customerId;
      current.set(id, evolveCustomerRow(current.get(id) ?? null, e as unknown as CustomerEvent));
    }
    const changed = [...current.values()].filter((r): r is CustomerDirectoryRow => r !== null);
    if (changed.length === 0) return;
    await tx.query(
      `INSERT INTO customer_directory (customer_id, home_unit_id, segment, gender, tier, manager_id, holdings, opted_out, erased)
       SELECT r.customer_id, r.home_unit_id, r.segment, r.gender, r.tier, r.manager_id, ARRAY(SELECT jsonb_array_elements_text(r.holdings)),
         ARRAY(SELECT jsonb_array_elements_text(r.opted_out)), r.erased
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::boolean[])
         AS r(customer_id, home_unit_id, segment, gender, tier, manager_id, holdings, opted_out, erased)
       ON CONFLICT (customer_id) DO UPDATE SET home_unit_id = EXCLUDED.home_unit_id, segment = EXCLUDED.segment, gender = EXCLUDED.gender,
         tier = EXCLUDED.tier, manager_id = EXCLUDED.manager_id, holdings = EXCLUDED.holdings, opted_out = EXCLUDED.opted_out, erased = EXCLUDED.erased`,
      [
        changed.map((r) => r.customer_id),
        changed.map((r) => r.home_unit_id),
        changed.map((r) => r.segment),
        changed.map((r) => r.gender),
        changed.map((r) => r.tier),
        changed.map((r) => r.manager_id),
        changed.map((r) => JSON.stringify(r.holdings)),
        changed.map((r) => JSON.stringify(r.opted_out)),
        changed.map((r) => r.erased),
      ],
    );
  },
};
