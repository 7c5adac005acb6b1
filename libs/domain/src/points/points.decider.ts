import { businessDay, nextBusinessDay } from '../shared/calendar';
import type { Decider } from '../decider';
import { illegalState, invalid, notFound, refused } from '../errors';
import { formatFen, toFen } from '../shared/money';
import { toScaled } from '../shared/decimal';
import { addYears, isBefore } from '../shared/time';
import type { Issued } from '../shared/types';

/**
 * A customer's points (004 篇九 第二十七、二十八条), on `points-<customerId>`. Benefit points
 * accrue monthly from the growth of financial assets × a profit parameter; transaction points are
 * 1 per CNY of debit-card POS spend, taken back the day after a cancelled or disputed transaction.
 * Every lot expires 2 years after it was earned; spending takes the oldest lots first.
 */
export const pointsStream = (customerId: string) => `points-${customerId}`;

/**
 * The lots points were taken from, decided with the command's time so that a lot past its expiry is
 * never drawn on, whether or not `ExpirePoints` has run. Absent on events written before it was
 * added: those drew on the oldest lots not marked expired, and are replayed that way.
 */
export type DrawnFrom = readonly { lotId: string; points: number }[];

export type PointsEvent =
  | { type: 'BenefitPointsAccrued'; data: { customerId: string; lotId: string; month: string; assetChange: string; profitParameter: string; points: number; expiresAt: string } }
  | { type: 'TransactionPointsEarned'; data: { customerId: string; lotId: string; transactionId: string; spend: string; points: number; expiresAt: string } }
  | {
      type: 'TransactionPointsReversed';
      /**
       * `points`: what the transaction earned. `pointsReversed`: what was actually taken back (less
       * when they were spent). Events written before `pointsReversed` lack it and took back `points`
       * at most.
       */
      data: { customerId: string; transactionId: string; points: number; pointsReversed?: number; drawnFrom?: DrawnFrom; effectiveOn: string; /** Version 2: the reason is a note in the customer's vault; version 1 carried `reason` (text). */ reasonNote: string | null };
    }
  /** Version 2: what was redeemed is a note in the customer's vault (`descriptionNote`); version 1 carried `description` (text). */
  | { type: 'PointsRedeemed'; data: { customerId: string; redemptionId: string; points: number; descriptionNote: string | null; drawnFrom?: DrawnFrom } }
  | { type: 'CampaignCostPointsDeducted'; data: { customerId: string; campaignId: string; costShare: string; points: number; drawnFrom?: DrawnFrom } }
  | { type: 'PointsExpired'; data: { customerId: string; lotIds: string[]; points: number } };

export type PointsCommand = Issued & { customerId: string } & (
    | { type: 'AccrueBenefitPoints'; month: string; assetChange: string; profitParameter: string }
    | { type: 'EarnTransactionPoints'; transactionId: string; spend: string }
    | { type: 'ReverseTransactionPoints'; transactionId: string; /** The reason's note in the vault. */ reasonNote: string | null }
    | { type: 'RedeemPoints'; redemptionId: string; points: number; /** The description's note in the vault. */ descriptionNote: string | null }
    | { type: 'DeductCampaignCost'; campaignId: string; costShare: string }
    | { type: 'ExpirePoints' }
  );

interface Lot {
  readonly lotId: string;
  /** Benefit points pay for services (a campaign's cost among them); transaction points for goods (第二十八条). */
  readonly kind: 'benefit' | 'transaction';
  readonly remaining: number;
  readonly expiresAt: string;
  readonly expired: boolean;
}

export interface PointsState {
  readonly lots: readonly Lot[];
  readonly months: ReadonlySet<string>;
  /** Transaction id → points earned, and whether they were taken back. */
  readonly transactions: ReadonlyMap<string, { points: number; reversed: boolean }>;
  readonly redemptions: ReadonlySet<string>;
  readonly campaigns: ReadonlySet<string>;
}

export const initialState = (): PointsState => ({ lots: [], months: new Set(), transactions: new Map(), redemptions: new Set(), campaigns: new Set() });

const live = (l: Lot, now: string): boolean => !l.expired && isBefore(now, l.expiresAt);

/** Points usable at `now`: the remainders of lots not past their expiry. */
export const balance = (s: PointsState, now: string): number => s.lots.filter((l) => live(l, now)).reduce((sum, l) => sum + l.remaining, 0);

/**
 * Where up to `points` come from: lots live at `now` (any lot not marked expired when `now` is
 * null: how events without `drawnFrom` were replayed), of the given kind when one is named, oldest
 * expiry first; a reversal names its own lot first.
 */
function draw(lots: readonly Lot[], points: number, now: string | null, firstLotId?: string, kind?: Lot['kind']): DrawnFrom {
  let left = points;
  const order = lots
    .filter((l) => (now === null ? !l.expired : live(l, now)) && l.remaining > 0 && (kind === undefined || l.kind === kind))
    .sort((a, b) => (a.lotId === firstLotId ? -1 : b.lotId === firstLotId ? 1 : a.expiresAt.localeCompare(b.expiresAt)));
  const out: { lotId: string; points: number }[] = [];
  for (const l of order) {
    if (left <= 0) break;
    const t = Math.min(l.remaining, left);
    out.push({ lotId: l.lotId, points: t });
    left -= t;
  }
  return out;
}

const takeFrom = (lots: readonly Lot[], drawn: DrawnFrom): Lot[] => {
  const taken = new Map(drawn.map((d) => [d.lotId, d.points]));
  return lots.map((l) => (taken.has(l.lotId) ? { ...l, remaining: l.remaining - taken.get(l.lotId)! } : l));
};

const total = (drawn: DrawnFrom): number => drawn.reduce((sum, d) => sum + d.points, 0);

export function evolve(s: PointsState, e: PointsEvent): PointsState {
  switch (e.type) {
    case 'BenefitPointsAccrued':
      return { ...s, lots: [...s.lots, { lotId: e.data.lotId, kind: 'benefit', remaining: e.data.points, expiresAt: e.data.expiresAt, expired: false }], months: new Set([...s.months, e.data.month]) };
    case 'TransactionPointsEarned':
      return {
        ...s,
        lots: [...s.lots, { lotId: e.data.lotId, kind: 'transaction', remaining: e.data.points, expiresAt: e.data.expiresAt, expired: false }],
        transactions: new Map(s.transactions).set(e.data.transactionId, { points: e.data.points, reversed: false }),
      };
    case 'TransactionPointsReversed':
      return {
        ...s,
        lots: takeFrom(s.lots, e.data.drawnFrom ?? draw(s.lots, e.data.points, null, `tx-${e.data.transactionId}`)),
        transactions: new Map(s.transactions).set(e.data.transactionId, { points: e.data.points, reversed: true }),
      };
    case 'PointsRedeemed':
      return { ...s, lots: takeFrom(s.lots, e.data.drawnFrom ?? draw(s.lots, e.data.points, null)), redemptions: new Set([...s.redemptions, e.data.redemptionId]) };
    case 'CampaignCostPointsDeducted':
      // Written without `drawnFrom`, a deduction took from the oldest lots of any kind: replayed so.
      return { ...s, lots: takeFrom(s.lots, e.data.drawnFrom ?? draw(s.lots, e.data.points, null)), campaigns: new Set([...s.campaigns, e.data.campaignId]) };
    case 'PointsExpired': {
      const ids = new Set(e.data.lotIds);
      return { ...s, lots: s.lots.map((l) => (ids.has(l.lotId) ? { ...l, expired: true, remaining: 0 } : l)) };
    }
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decide(c: PointsCommand, s: PointsState): PointsEvent[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'AccrueBenefitPoints': {
      if (s.months.has(c.month)) throw illegalState('ALREADY_ACCRUED', `benefit points for ${c.month} are already accrued`, { month: c.month });
      const change = amount(c.assetChange, 'assetChange', true);
      const parameter = Number(c.profitParameter);
      if (!/^\d+(\.\d{1,6})?$/.test(c.profitParameter) || parameter > 1) throw invalid('INVALID_PARAMETER', 'profitParameter is a decimal from 0 to 1', { profitParameter: c.profitParameter });
      // Only growth earns points; a fall earns none (and takes none back). Whole points, the
      // fraction dropped, in exact integers: fen × parameter (to 6 places) / (100 × 10^6).
      const points = Number((BigInt(Math.max(0, change)) * toScaled(c.profitParameter, 6)) / 100_000_000n);
      return [
        {
          type: 'BenefitPointsAccrued',
          data: { customerId, lotId: `benefit-${c.month}`, month: c.month, assetChange: formatFen(change), profitParameter: c.profitParameter, points, expiresAt: addYears(c.at, 2) },
        },
      ];
    }
    case 'EarnTransactionPoints': {
      if (s.transactions.has(c.transactionId)) throw illegalState('ALREADY_EXISTS', `transaction ${c.transactionId} already earned points`, { transactionId: c.transactionId });
      const spend = amount(c.spend, 'spend', false);
      const points = Math.floor(spend / 100);
      return [{ type: 'TransactionPointsEarned', data: { customerId, lotId: `tx-${c.transactionId}`, transactionId: c.transactionId, spend: formatFen(spend), points, expiresAt: addYears(c.at, 2) } }];
    }
    case 'ReverseTransactionPoints': {
      const tx = s.transactions.get(c.transactionId);
      if (!tx) throw notFound('UNKNOWN_TRANSACTION', `no points for transaction ${c.transactionId}`, { transactionId: c.transactionId });
      if (tx.reversed) throw illegalState('ALREADY_REVERSED', `transaction ${c.transactionId} was already reversed`, { transactionId: c.transactionId });
      // Reversed the next day (第二十八条): the effective date is the day after the cancellation.
      // Points already spent cannot be taken back: the reversal takes what is left, never below zero.
      const drawnFrom = draw(s.lots, tx.points, c.at, `tx-${c.transactionId}`);
      return [
        {
          type: 'TransactionPointsReversed',
          data: { customerId, transactionId: c.transactionId, points: tx.points, pointsReversed: total(drawnFrom), drawnFrom, effectiveOn: nextBusinessDay(businessDay(c.at)), reasonNote: c.reasonNote },
        },
      ];
    }
    case 'RedeemPoints': {
      if (s.redemptions.has(c.redemptionId)) throw illegalState('ALREADY_EXISTS', `redemption ${c.redemptionId} already exists`, { redemptionId: c.redemptionId });
      if (!Number.isInteger(c.points) || c.points <= 0) throw invalid('INVALID_POINTS', 'points to redeem must be a positive whole number');
      const available = balance(s, c.at);
      if (c.points > available) throw refused('INSUFFICIENT_POINTS', `only ${available} points are available`, { available, requested: c.points });
      return [{ type: 'PointsRedeemed', data: { customerId, redemptionId: c.redemptionId, points: c.points, descriptionNote: c.descriptionNote, drawnFrom: draw(s.lots, c.points, c.at) } }];
    }
    case 'DeductCampaignCost': {
      if (s.campaigns.has(c.campaignId)) return [];
      const share = amount(c.costShare, 'costShare', false);
      // Deducted at the actual price (1 point per CNY), never below zero, and from benefit points
      // only: they pay for services, a campaign among them; transaction points pay for goods
      // (004 篇九 第二十七、二十八条; DOMAIN Campaigns: "participants' benefit points are deducted").
      const drawnFrom = draw(s.lots, Math.floor(share / 100), c.at, undefined, 'benefit');
      return [{ type: 'CampaignCostPointsDeducted', data: { customerId, campaignId: c.campaignId, costShare: formatFen(share), points: total(drawnFrom), drawnFrom } }];
    }
    case 'ExpirePoints': {
      const due = s.lots.filter((l) => !l.expired && !isBefore(c.at, l.expiresAt) && l.remaining > 0);
      if (due.length === 0) return [];
      return [{ type: 'PointsExpired', data: { customerId, lotIds: due.map((l) => l.lotId), points: due.reduce((sum, l) => sum + l.remaining, 0) } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

export const pointsDecider: Decider<PointsCommand, PointsState, PointsEvent> = { initialState, evolve, decide };

function amount(value: string, field: string, signed: boolean): number {
  const fen = toFen(value);
  if (fen === undefined || (!signed && fen < 0)) throw invalid('INVALID_AMOUNT', `${field} must be an amount with at most two decimals`, { [field]: value });
  return fen;
}
