import { illegalState } from '../errors';
import { thresholdsFor } from '../organisation/organisation.state';
import { formatFen, toFen } from '../shared/money';
import type { Tier } from '../shared/types';
import type { CustomerCommandOf } from './customer.commands';
import { badAmount } from './customer.errors';
import type { CustomerEventOf } from './customer.events';
import { threeMonthAverage, tierFor } from './customer.rules';
import type { RelationshipState } from './customer-relationship';

/** What the customer keeps with the bank, and the tier it earns them (004 篇九 第五条). */
export interface TierState {
  readonly tier: Tier;
  /** Monthly average daily assets in fen, oldest first; the last three are kept. */
  readonly balances: readonly { month: string; fen: number }[];
  readonly holdings: ReadonlySet<string>;
}

export const initialTier = (): TierState => ({ tier: 'ordinary', balances: [], holdings: new Set() });

export type TierCommand = CustomerCommandOf<'RecordBalanceSnapshot'>;
/** A sale (`ConversionRecorded`) is here too: the product becomes a holding until the next snapshot. */
export type TierEvent = CustomerEventOf<'BalanceSnapshotRecorded' | 'CustomerTierChanged' | 'ConversionRecorded'>;

export function evolveTier<S extends TierState>(s: S, e: TierEvent): S {
  switch (e.type) {
    case 'BalanceSnapshotRecorded':
      return {
        ...s,
        balances: [...s.balances, { month: e.data.month, fen: toFen(e.data.averageDailyAssets)! }].slice(-3),
        holdings: new Set(e.data.holdings),
      };
    case 'CustomerTierChanged':
      return { ...s, tier: e.data.to };
    case 'ConversionRecorded':
      return s.holdings.has(e.data.productCode) ? s : { ...s, holdings: new Set(s.holdings).add(e.data.productCode) };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

/** Tiers are recomputed from each month's snapshot; a change is its own event, with the figures. */
export function decideTier(c: TierCommand, s: TierState & RelationshipState): TierEvent[] {
  const customerId = c.customerId;
  const fen = toFen(c.averageDailyAssets);
  if (fen === undefined || fen < 0) throw badAmount('averageDailyAssets', c.averageDailyAssets);
  const last = s.balances[s.balances.length - 1];
  if (last && c.month <= last.month) {
    throw illegalState('SNAPSHOT_OUT_OF_ORDER', `a snapshot for ${last.month} is already recorded; months must advance`, { last: last.month, month: c.month });
  }
  const events: TierEvent[] = [{ type: 'BalanceSnapshotRecorded', data: { customerId, month: c.month, averageDailyAssets: formatFen(fen), holdings: [...c.holdings] } }];
  const average = threeMonthAverage([...s.balances, { fen }]);
  const t = thresholdsFor(c.org, s.homeUnitId);
  const to = tierFor(average, t);
  if (to !== s.tier) {
    const thresholds = { standard: formatFen(t.standard), platinum: formatFen(t.platinum), black: formatFen(t.black) };
    events.push({ type: 'CustomerTierChanged', data: { customerId, month: c.month, from: s.tier, to, threeMonthAverage: formatFen(average), thresholds } });
  }
  return events;
}
