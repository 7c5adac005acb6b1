import { saleKey, type CustomerEvent } from '../customer/customer.events';
import { invalid } from '../errors';
import { formatFen, toFen, type Fen } from '../shared/money';

/**
 * Which campaign earns a sale (analysts' what-if, `?attribution=`). A sale tagged with a campaign
 * is that campaign's under every model; the models differ only for untagged sales, which they
 * credit over the campaign contacts the customer had in the window before the sale.
 */
export type AttributionModel = 'direct' | 'last-touch' | 'first-touch' | 'linear' | 'time-decay';

export const ATTRIBUTION_MODELS: readonly AttributionModel[] = ['direct', 'last-touch', 'first-touch', 'linear', 'time-decay'];

export interface AttributionRule {
  readonly model: AttributionModel;
  /** A contact counts if it is less than this many days before the sale (or at the same time). */
  readonly windowDays: number;
  /** Time-decay only: a contact this many days older weighs half as much. */
  readonly halfLifeDays: number;
}

export const DEFAULT_ATTRIBUTION: AttributionRule = { model: 'direct', windowDays: 30, halfLifeDays: 7 };

const DAY = 86_400_000;

const badRule = (message: string, details: Record<string, unknown>) => invalid('INVALID_ATTRIBUTION', message, details);

function positiveDays(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw badRule(`${field} must be a positive number of days`, { [field]: value });
  return value;
}

function buildRule(model: unknown, windowDays: unknown, halfLifeDays: unknown): AttributionRule {
  if (!ATTRIBUTION_MODELS.includes(model as AttributionModel)) {
    throw badRule(`unknown attribution model ${JSON.stringify(model)}; one of ${ATTRIBUTION_MODELS.join(', ')}`, { model });
  }
  return {
    model: model as AttributionModel,
    windowDays: positiveDays('windowDays', windowDays, DEFAULT_ATTRIBUTION.windowDays),
    halfLifeDays: positiveDays('halfLifeDays', halfLifeDays, DEFAULT_ATTRIBUTION.halfLifeDays),
  };
}

/** A rule from a model name, with the default window and half-life unless given. */
export const attributionRule = (model: string, options: { windowDays?: number; halfLifeDays?: number } = {}): AttributionRule =>
  buildRule(model, options.windowDays, options.halfLifeDays);

/** A rule from outside: a model name (`"linear"`) or `{ model, windowDays?, halfLifeDays? }`. */
export function parseAttributionRule(input: unknown): AttributionRule {
  if (typeof input === 'string') return buildRule(input, undefined, undefined);
  if (typeof input !== 'object' || input === null) throw badRule('an attribution rule is a model name or { model, windowDays?, halfLifeDays? }', { input });
  const { model, windowDays, halfLifeDays } = input as Record<string, unknown>;
  return buildRule(model, windowDays, halfLifeDays);
}

/** A campaign reaching the customer: a contact made, or an offer presented, for that campaign. */
export interface CampaignTouch {
  readonly campaignId: string;
  readonly at: string;
}

export interface ConversionToAttribute {
  readonly conversionId: string;
  readonly customerId: string;
  readonly at: string;
  readonly revenue: string;
  readonly campaignId: string | null;
}

export interface CampaignShare {
  readonly campaignId: string;
  /** Fraction of the sale; the shares of one sale add up to 1. */
  readonly share: number;
  readonly revenue: string;
}

/**
 * The campaigns credited with one sale, by campaign id. Empty when no campaign earns it. The
 * revenue parts add up to the sale's revenue to the fen. `touches` are the customer's.
 */
export function attribute(conversion: ConversionToAttribute, touches: readonly CampaignTouch[], rule: AttributionRule = DEFAULT_ATTRIBUTION): CampaignShare[] {
  return split(conversion, touches, rule).shares.map((p) => ({ campaignId: p.campaignId, share: p.share, revenue: formatFen(p.fen) }));
}

interface Split {
  readonly fen: Fen;
  readonly shares: readonly { readonly campaignId: string; readonly share: number; readonly fen: Fen }[];
}

function split(conversion: ConversionToAttribute, touches: readonly CampaignTouch[], rule: AttributionRule): Split {
  const fen = toFen(conversion.revenue);
  if (fen === undefined) throw invalid('INVALID_AMOUNT', 'revenue must be an amount in CNY with at most two decimals', { revenue: conversion.revenue });
  return { fen, shares: splitFen(fen, weightsFor(conversion, touches, rule)) };
}

function weightsFor(conversion: ConversionToAttribute, touches: readonly CampaignTouch[], rule: AttributionRule): Map<string, number> {
  if (conversion.campaignId !== null) return new Map([[conversion.campaignId, 1]]);
  const at = Date.parse(conversion.at);
  const ageOf = (t: CampaignTouch) => at - Date.parse(t.at);
  // A contact after the sale cannot have caused it.
  const seen = touches.filter((t) => ageOf(t) >= 0 && ageOf(t) < rule.windowDays * DAY);
  if (seen.length === 0) return new Map();
  switch (rule.model) {
    case 'direct':
      return new Map();
    case 'last-touch':
      return new Map([[seen.reduce((a, b) => (ageOf(b) <= ageOf(a) ? b : a)).campaignId, 1]]);
    case 'first-touch':
      return new Map([[seen.reduce((a, b) => (ageOf(b) > ageOf(a) ? b : a)).campaignId, 1]]);
    case 'linear':
      return sumBy(seen, () => 1);
    case 'time-decay': {
      // Measured from the newest contact, so that a short half-life cannot underflow every weight to 0.
      const newest = Math.min(...seen.map(ageOf));
      return sumBy(seen, (t) => 2 ** (-(ageOf(t) - newest) / DAY / rule.halfLifeDays));
    }
    default: {
      const never: never = rule.model;
      throw badRule(`unknown attribution model ${String(never)}`, { model: never });
    }
  }
}

function sumBy(touches: readonly CampaignTouch[], weight: (t: CampaignTouch) => number): Map<string, number> {
  const weights = new Map<string, number>();
  for (const t of touches) weights.set(t.campaignId, (weights.get(t.campaignId) ?? 0) + weight(t));
  return weights;
}

/**
 * Largest-remainder rounding: every campaign gets the whole fen of its part, and the fen left over
 * go one each to the largest remainders, ties to the lower campaign id. Float noise below a
 * millionth of a fen is ignored, so that 2/3 of 300.00 is 200.00 and equal thirds tie.
 */
function splitFen(fen: Fen, weights: Map<string, number>): { campaignId: string; share: number; fen: Fen }[] {
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const abs = Math.abs(fen);
  const parts = [...weights.keys()].sort().map((campaignId) => {
    const share = weights.get(campaignId)! / total;
    const exact = abs * share;
    const whole = Math.floor(exact + 1e-6);
    return { campaignId, share, whole, rest: Math.round((exact - whole) * 1e6) };
  });
  let left = abs - parts.reduce((a, p) => a + p.whole, 0);
  for (const p of [...parts].sort((a, b) => b.rest - a.rest || (a.campaignId < b.campaignId ? -1 : 1))) {
    if (left <= 0) break;
    p.whole += 1;
    left -= 1;
  }
  return parts.map((p) => ({ campaignId: p.campaignId, share: p.share, fen: fen < 0 ? -p.whole : p.whole }));
}

/** An event in the global order with its business time (`metadata.occurredAt`). */
export interface AttributionEvent {
  readonly type: string;
  readonly data: unknown;
  readonly occurredAt: string;
}

export interface CampaignAttribution {
  /** Sales credited, fractional when a sale is shared. */
  readonly conversions: number;
  readonly revenue: string;
}

type Data<T extends CustomerEvent['type']> = Extract<CustomerEvent, { type: T }>['data'];

interface Tally {
  conversions: number;
  fen: Fen;
  /** Live sales crediting the campaign: at 0 the entry goes, float dust and all. */
  sales: number;
}

/**
 * Campaign credit under one rule, fed customer events in the global order. Per customer it keeps
 * only the touches that a sale at the customer's latest business time could still count; it keeps
 * each sale's split until the sale is reversed, so that the reversal takes back exactly that credit.
 */
export class AttributionLedger {
  private readonly touches = new Map<string, { latest: number; kept: CampaignTouch[] }>();
  /** Each live sale's split, by `saleKey`: a conversion id is unique only within its customer. */
  private readonly splits = new Map<string, Split>();
  private readonly byCampaign = new Map<string, Tally>();
  private readonly lost = { conversions: 0, fen: 0 };

  constructor(readonly rule: AttributionRule = DEFAULT_ATTRIBUTION) {}

  apply(event: AttributionEvent): void {
    switch (event.type) {
      case 'CustomerContacted': {
        const d = event.data as Data<'CustomerContacted'>;
        if (d.campaignId !== null) this.touch(d.customerId, { campaignId: d.campaignId, at: d.contactedAt }, event.occurredAt);
        return;
      }
      case 'OfferPresented': {
        const d = event.data as Data<'OfferPresented'>;
        if (d.campaignId !== null) this.touch(d.customerId, { campaignId: d.campaignId, at: event.occurredAt }, event.occurredAt);
        return;
      }
      case 'ConversionRecorded': {
        const d = event.data as Data<'ConversionRecorded'>;
        this.record({ conversionId: d.conversionId, customerId: d.customerId, at: event.occurredAt, revenue: d.revenue, campaignId: d.campaignId });
        return;
      }
      case 'ConversionReversed': {
        const d = event.data as Data<'ConversionReversed'>;
        this.reverse(saleKey(d.customerId, d.conversionId));
        return;
      }
      default:
        return;
    }
  }

  /** Credit per campaign, by campaign id. */
  totals(): Map<string, CampaignAttribution> {
    const ids = [...this.byCampaign.keys()].sort();
    return new Map(ids.map((id) => [id, { conversions: this.byCampaign.get(id)!.conversions, revenue: formatFen(this.byCampaign.get(id)!.fen) }]));
  }

  /** Sales no campaign earns under the rule. */
  get unattributed(): CampaignAttribution {
    return { conversions: this.lost.conversions, revenue: formatFen(this.lost.fen) };
  }

  private touch(customerId: string, touch: CampaignTouch, occurredAt: string): void {
    const entry = this.touches.get(customerId) ?? { latest: -Infinity, kept: [] };
    entry.kept.push(touch);
    this.prune(customerId, entry, occurredAt);
  }

  private prune(customerId: string, entry: { latest: number; kept: CampaignTouch[] }, occurredAt: string): void {
    entry.latest = Math.max(entry.latest, Date.parse(occurredAt));
    const horizon = entry.latest - this.rule.windowDays * DAY;
    entry.kept = entry.kept.filter((t) => Date.parse(t.at) > horizon);
    if (entry.kept.length > 0) this.touches.set(customerId, entry);
    else this.touches.delete(customerId);
  }

  private record(conversion: ConversionToAttribute): void {
    // A sale delivered twice is credited once.
    const key = saleKey(conversion.customerId, conversion.conversionId);
    if (this.splits.has(key)) return;
    const entry = this.touches.get(conversion.customerId);
    if (entry) this.prune(conversion.customerId, entry, conversion.at);
    const credit = split(conversion, entry?.kept ?? [], this.rule);
    this.splits.set(key, credit);
    this.count(credit, 1);
  }

  private reverse(key: string): void {
    const credit = this.splits.get(key);
    if (!credit) return;
    this.splits.delete(key);
    this.count(credit, -1);
  }

  private count({ fen, shares }: Split, sign: 1 | -1): void {
    if (shares.length === 0) {
      this.lost.conversions += sign;
      this.lost.fen += sign * fen;
      return;
    }
    for (const s of shares) {
      const tally = this.byCampaign.get(s.campaignId) ?? { conversions: 0, fen: 0, sales: 0 };
      tally.conversions += sign * s.share;
      tally.fen += sign * s.fen;
      tally.sales += sign;
      if (tally.sales > 0) this.byCampaign.set(s.campaignId, tally);
      else this.byCampaign.delete(s.campaignId);
    }
  }
}
