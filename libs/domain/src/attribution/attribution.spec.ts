import type { CustomerEvent } from '../customer/customer.events';
import { formatFen, toFen } from '../shared/money';
import { addDays } from '../shared/time';
import {
  ATTRIBUTION_MODELS,
  AttributionLedger,
  attribute,
  attributionRule,
  parseAttributionRule,
  type AttributionEvent,
  type AttributionModel,
  type CampaignTouch,
  type ConversionToAttribute,
} from './attribution';

const SALE_AT = '2026-03-31T10:00:00.000Z';
const day = (n: number) => addDays(SALE_AT, n);
const touch = (campaignId: string, days: number): CampaignTouch => ({ campaignId, at: day(days) });
const sale = (over: Partial<ConversionToAttribute> = {}): ConversionToAttribute => ({
  conversionId: 'S1',
  customerId: 'C1',
  at: SALE_AT,
  revenue: '300.00',
  campaignId: null,
  ...over,
});
const rule = (model: AttributionModel, options: { windowDays?: number; halfLifeDays?: number } = {}) => attributionRule(model, options);
const split = (shares: readonly { campaignId: string; revenue: string }[]) => shares.map((s) => [s.campaignId, s.revenue]);

/** A at day -20, B at day -10, A at day -2, before an untagged sale of 300.00. */
const threeContacts = [touch('A', -20), touch('B', -10), touch('A', -2)];

const refusalOf = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('attribution rules', () => {
  it('builds a rule from a model name with a 30-day window and a 7-day half-life', () => {
    expect(parseAttributionRule('time-decay')).toEqual({ model: 'time-decay', windowDays: 30, halfLifeDays: 7 });
  });

  it('takes the window and half-life when given', () => {
    expect(parseAttributionRule({ model: 'linear', windowDays: 14, halfLifeDays: 3 })).toEqual({ model: 'linear', windowDays: 14, halfLifeDays: 3 });
    expect(attributionRule('last-touch', { windowDays: 60 })).toEqual({ model: 'last-touch', windowDays: 60, halfLifeDays: 7 });
  });

  it('refuses an unknown model', () => {
    expect(refusalOf(() => parseAttributionRule('position-based'))).toMatchObject({ kind: 'validation', code: 'INVALID_ATTRIBUTION' });
    expect(refusalOf(() => parseAttributionRule({ windowDays: 30 }))).toMatchObject({ code: 'INVALID_ATTRIBUTION' });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '30'])('refuses a window or half-life of %p', (days) => {
    expect(refusalOf(() => parseAttributionRule({ model: 'linear', windowDays: days }))).toMatchObject({ code: 'INVALID_ATTRIBUTION' });
    expect(refusalOf(() => parseAttributionRule({ model: 'time-decay', halfLifeDays: days }))).toMatchObject({ code: 'INVALID_ATTRIBUTION' });
  });

  it('refuses input that is neither a model name nor a rule', () => {
    expect(refusalOf(() => parseAttributionRule(null))).toMatchObject({ code: 'INVALID_ATTRIBUTION' });
    expect(refusalOf(() => parseAttributionRule(7))).toMatchObject({ code: 'INVALID_ATTRIBUTION' });
  });
});

describe('attributing an untagged sale after three contacts from two campaigns', () => {
  it('leaves it unattributed under direct', () => {
    expect(attribute(sale(), threeContacts, rule('direct'))).toEqual([]);
  });

  it('credits the most recent contact under last-touch', () => {
    expect(attribute(sale(), threeContacts, rule('last-touch'))).toEqual([{ campaignId: 'A', share: 1, revenue: '300.00' }]);
  });

  it('credits the earliest contact in the window under first-touch', () => {
    expect(attribute(sale(), threeContacts, rule('first-touch'))).toEqual([{ campaignId: 'A', share: 1, revenue: '300.00' }]);
  });

  it('credits each contact an equal share under linear', () => {
    const shares = attribute(sale(), threeContacts, rule('linear'));
    expect(split(shares)).toEqual([['A', '200.00'], ['B', '100.00']]);
    expect(shares.map((s) => s.share)).toEqual([2 / 3, 1 / 3]);
  });

  it('weighs recent contacts more under time-decay', () => {
    // Half-life 7 days, weight 2^(-age/7):
    //   A at -20: 2^(-20/7) = 0.13801    B at -10: 2^(-10/7) = 0.37150    A at -2: 2^(-2/7) = 0.82034
    //   total 1.32985; A = 0.95835 / 1.32985 = 0.72065, B = 0.37150 / 1.32985 = 0.27935
    //   of 30,000 fen: A 21,619.36 → 21,619, B 8,380.64 → 8,380; the fen left goes to the larger remainder (B)
    const shares = attribute(sale(), threeContacts, rule('time-decay'));
    expect(split(shares)).toEqual([['A', '216.19'], ['B', '83.81']]);
    expect(shares[0]!.share).toBeCloseTo(0.72065, 5);
    expect(shares[1]!.share).toBeCloseTo(0.27935, 5);
  });

  it('uses the configured half-life under time-decay', () => {
    // Half-life 10: A at -10 weighs 0.5, B at the moment of the sale weighs 1 → 1/3 and 2/3 of 90.00.
    const shares = attribute(sale({ revenue: '90.00' }), [touch('A', -10), touch('B', 0)], rule('time-decay', { halfLifeDays: 10 }));
    expect(split(shares)).toEqual([['A', '30.00'], ['B', '60.00']]);
  });
});

describe('the attribution window', () => {
  it('does not count a contact 31 days before the sale under the default 30-day window', () => {
    expect(split(attribute(sale(), [touch('OLD', -31), touch('A', -5)], rule('first-touch')))).toEqual([['A', '300.00']]);
  });

  it('counts it when the window is longer', () => {
    expect(split(attribute(sale(), [touch('OLD', -31), touch('A', -5)], rule('first-touch', { windowDays: 45 })))).toEqual([['OLD', '300.00']]);
  });

  it('does not count a contact exactly a window before the sale, nor one after it', () => {
    expect(split(attribute(sale(), [touch('EDGE', -30), touch('A', -5), touch('LATE', 1)], rule('linear')))).toEqual([['A', '300.00']]);
  });

  it('leaves a sale with no contact in the window unattributed', () => {
    expect(attribute(sale(), [touch('OLD', -40)], rule('last-touch'))).toEqual([]);
  });
});

describe('a sale tagged with a campaign', () => {
  it.each(ATTRIBUTION_MODELS)('goes wholly to its own campaign under %s', (model) => {
    expect(attribute(sale({ campaignId: 'K' }), threeContacts, rule(model))).toEqual([{ campaignId: 'K', share: 1, revenue: '300.00' }]);
  });
});

describe('rounding', () => {
  it('splits 100.00 three ways into parts that add up to exactly 100.00, the extra fen to the lowest campaign id', () => {
    const shares = attribute(sale({ revenue: '100.00' }), [touch('C', -3), touch('B', -2), touch('A', -1)], rule('linear'));
    expect(split(shares)).toEqual([['A', '33.34'], ['B', '33.33'], ['C', '33.33']]);
  });

  it('splits the same way whatever order the contacts come in', () => {
    const forward = attribute(sale({ revenue: '100.00' }), [touch('A', -3), touch('B', -3), touch('C', -3)], rule('time-decay'));
    const backward = attribute(sale({ revenue: '100.00' }), [touch('C', -3), touch('B', -3), touch('A', -3)], rule('time-decay'));
    expect(backward).toEqual(forward);
  });

  it('always adds up to the sale revenue to the fen under time-decay', () => {
    const touches = [touch('A', -29), touch('B', -17), touch('C', -11), touch('A', -6), touch('D', -1)];
    for (const revenue of ['0.01', '0.05', '1.00', '99.99', '1234.57', '100000.03']) {
      const parts = attribute(sale({ revenue }), touches, rule('time-decay', { halfLifeDays: 5 }));
      expect(formatFen(parts.reduce((sum, p) => sum + toFen(p.revenue)!, 0))).toBe(revenue);
    }
  });
});

// Customer events in the global order, each with its business time.
const at = (e: CustomerEvent, occurredAt: string): AttributionEvent => ({ ...e, occurredAt });
const contacted = (customerId: string, campaignId: string | null, days: number) =>
  at({ type: 'CustomerContacted', data: { contactId: `${customerId}${days}`, customerId, staffId: 'rm1', channel: 'phone', campaignId, outcomeNote: null, contactedAt: day(days) } }, day(days));
const offered = (customerId: string, campaignId: string, days: number) =>
  at({ type: 'OfferPresented', data: { offerId: `O${days}`, customerId, staffId: 'rm1', productCode: 'FUND-BOND', campaignId } }, day(days));
const converted = (conversionId: string, customerId: string, days: number, revenue: string, campaignId: string | null = null) =>
  at(
    {
      type: 'ConversionRecorded',
      data: { conversionId, customerId, staffId: 'rm1', productCode: 'FUND-BOND', amount: '10000.00', revenue, campaignId, referrerStaffId: null, referralId: null },
    },
    day(days),
  );
const reversed = (conversionId: string, customerId: string, days: number) => at({ type: 'ConversionReversed', data: { conversionId, customerId, reasonNote: null } }, day(days));

const ledgerOf = (model: AttributionModel, events: readonly AttributionEvent[]) => {
  const ledger = new AttributionLedger(rule(model));
  for (const e of events) ledger.apply(e);
  return ledger;
};
const totalsOf = (ledger: AttributionLedger) => Object.fromEntries(ledger.totals());

describe('the attribution ledger', () => {
  it('credits an untagged sale over the customer’s contacts', () => {
    const ledger = ledgerOf('linear', [contacted('C1', 'A', -20), contacted('C1', 'B', -10), contacted('C1', 'A', -2), converted('S1', 'C1', 0, '300.00')]);
    expect(totalsOf(ledger)).toEqual({ A: { conversions: 2 / 3, revenue: '200.00' }, B: { conversions: 1 / 3, revenue: '100.00' } });
    expect(ledger.unattributed).toEqual({ conversions: 0, revenue: '0.00' });
  });

  it('counts offers presented for a campaign as contacts, and contacts for no campaign not at all', () => {
    const ledger = ledgerOf('last-touch', [offered('C1', 'A', -3), contacted('C1', null, -1), converted('S1', 'C1', 0, '50.00')]);
    expect(totalsOf(ledger)).toEqual({ A: { conversions: 1, revenue: '50.00' } });
  });

  it('does not credit one customer’s sale to another customer’s contacts', () => {
    const ledger = ledgerOf('last-touch', [contacted('C2', 'A', -3), converted('S1', 'C1', 0, '50.00')]);
    expect(totalsOf(ledger)).toEqual({});
    expect(ledger.unattributed).toEqual({ conversions: 1, revenue: '50.00' });
  });

  it('forgets contacts that have left the window', () => {
    const ledger = ledgerOf('last-touch', [contacted('C1', 'A', -40), converted('S1', 'C1', 0, '50.00')]);
    expect(ledger.unattributed).toEqual({ conversions: 1, revenue: '50.00' });
  });

  it('credits tagged sales to their campaign and leaves untagged ones unattributed under direct', () => {
    const ledger = ledgerOf('direct', [contacted('C1', 'A', -2), converted('S1', 'C1', 0, '80.00', 'K'), converted('S2', 'C1', 0, '20.00')]);
    expect(totalsOf(ledger)).toEqual({ K: { conversions: 1, revenue: '80.00' } });
    expect(ledger.unattributed).toEqual({ conversions: 1, revenue: '20.00' });
  });

  it('takes back exactly the reversed sale’s credit', () => {
    const ledger = ledgerOf('linear', [
      contacted('C1', 'A', -6),
      converted('S1', 'C1', -5, '100.00'),
      contacted('C1', 'B', -4),
      converted('S2', 'C1', -3, '100.00'),
      reversed('S1', 'C1', -1),
    ]);
    // S2 was split A 50.00 / B 50.00 and stays; S1 (all A) is gone.
    expect(totalsOf(ledger)).toEqual({ A: { conversions: 0.5, revenue: '50.00' }, B: { conversions: 0.5, revenue: '50.00' } });
  });

  it('drops a campaign from the totals when its only sale is reversed, and reverses unattributed sales too', () => {
    const ledger = ledgerOf('linear', [
      contacted('C1', 'A', -2),
      converted('S1', 'C1', 0, '100.00'),
      converted('S2', 'C2', 0, '40.00'),
      reversed('S1', 'C1', 1),
      reversed('S2', 'C2', 1),
    ]);
    expect(totalsOf(ledger)).toEqual({});
    expect(ledger.unattributed).toEqual({ conversions: 0, revenue: '0.00' });
  });

  it('credits a sale delivered twice once, and ignores the reversal of an unknown sale', () => {
    const ledger = ledgerOf('last-touch', [contacted('C1', 'A', -2), converted('S1', 'C1', 0, '100.00'), converted('S1', 'C1', 0, '100.00'), reversed('S9', 'C1', 1)]);
    expect(totalsOf(ledger)).toEqual({ A: { conversions: 1, revenue: '100.00' } });
  });

  it.each(ATTRIBUTION_MODELS)('keeps campaign revenue plus unattributed equal to all sales not reversed under %s', (model) => {
    const events: AttributionEvent[] = [];
    const live = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const customerId = `C${i % 7}`;
      events.push(contacted(customerId, ['A', 'B', 'C'][i % 3]!, i - 60));
      if (i % 4 === 3) {
        const revenue = formatFen(1 + ((i * 7919) % 100_000));
        const conversionId = `S${i}`;
        events.push(converted(conversionId, customerId, i - 59, revenue, i % 5 === 0 ? 'K' : null));
        live.set(conversionId, revenue);
      }
      if (i % 10 === 9) {
        events.push(reversed(`S${i - 2}`, `C${(i - 2) % 7}`, i - 58));
        live.delete(`S${i - 2}`);
      }
    }
    const ledger = ledgerOf(model, events);
    const credited = [...ledger.totals().values()].reduce((sum, t) => sum + toFen(t.revenue)!, 0) + toFen(ledger.unattributed.revenue)!;
    const conversions = [...ledger.totals().values()].reduce((sum, t) => sum + t.conversions, 0) + ledger.unattributed.conversions;
    expect(formatFen(credited)).toBe(formatFen([...live.values()].reduce((sum, r) => sum + toFen(r)!, 0)));
    expect(conversions).toBeCloseTo(live.size, 9);
  });
});

// Conversion ids are unique per customer only, and a channel may choose them: two customers can
// each have a sale S1. They are two sales, each credited over its own customer's contacts.
describe('two customers with a sale of the same conversion id', () => {
  // CA: K at day -10, J at day -2, then S1 of 100.00. CB: K at day -5, then S1 of 50.00.
  const bothSales = [contacted('CA', 'K', -10), contacted('CA', 'J', -2), contacted('CB', 'K', -5), converted('S1', 'CA', 0, '100.00'), converted('S1', 'CB', 0, '50.00')];

  it.each<[AttributionModel, Record<string, { conversions: number; revenue: string }>]>([
    // CA's S1 goes to J (latest), CB's to K (its only contact).
    ['last-touch', { J: { conversions: 1, revenue: '100.00' }, K: { conversions: 1, revenue: '50.00' } }],
    // CA's S1 goes to K (earliest), CB's to K: 2 sales, 150.00.
    ['first-touch', { K: { conversions: 2, revenue: '150.00' } }],
    // CA's S1 halves: J 0.5 / 50.00, K 0.5 / 50.00; CB's whole to K: K 1.5 / 100.00.
    ['linear', { J: { conversions: 0.5, revenue: '50.00' }, K: { conversions: 1.5, revenue: '100.00' } }],
  ])('credits both under %s', (model, expected) => {
    const ledger = ledgerOf(model, bothSales);
    expect(totalsOf(ledger)).toEqual(expected);
    expect(ledger.unattributed).toEqual({ conversions: 0, revenue: '0.00' });
  });

  it.each<[AttributionModel, Record<string, { conversions: number; revenue: string }>]>([
    // Only CA's S1 is left.
    ['last-touch', { J: { conversions: 1, revenue: '100.00' } }],
    ['first-touch', { K: { conversions: 1, revenue: '100.00' } }],
    ['linear', { J: { conversions: 0.5, revenue: '50.00' }, K: { conversions: 0.5, revenue: '50.00' } }],
  ])('takes back only the reversed customer sale under %s', (model, expected) => {
    const ledger = ledgerOf(model, [...bothSales, reversed('S1', 'CB', 1)]);
    expect(totalsOf(ledger)).toEqual(expected);
  });

  it('credits a sale delivered twice once, the other customer sale of that id still counting', () => {
    // CA's S1 delivered again after CB's: still one sale of CA's (to J under last-touch) and one of CB's (to K).
    const ledger = ledgerOf('last-touch', [...bothSales, converted('S1', 'CA', 0, '100.00'), converted('S1', 'CB', 0, '50.00')]);
    expect(totalsOf(ledger)).toEqual({ J: { conversions: 1, revenue: '100.00' }, K: { conversions: 1, revenue: '50.00' } });
  });

  it('adds both customer sales of campaign K and reverses only one, as reported', () => {
    // Last-touch; A and B each contacted for K; S1 of A 100.00, S1 of B 50.00: K has 150.00; reversing B's S1 leaves A's 100.00.
    const sales = [contacted('A', 'K', -2), contacted('B', 'K', -1), converted('S1', 'A', 0, '100.00'), converted('S1', 'B', 0, '50.00')];
    expect(totalsOf(ledgerOf('last-touch', sales))).toEqual({ K: { conversions: 2, revenue: '150.00' } });
    expect(totalsOf(ledgerOf('last-touch', [...sales, reversed('S1', 'B', 1)]))).toEqual({ K: { conversions: 1, revenue: '100.00' } });
  });

  it('keeps both unattributed sales and reverses one of them', () => {
    const ledger = ledgerOf('linear', [converted('S1', 'CA', 0, '100.00'), converted('S1', 'CB', 0, '50.00'), reversed('S1', 'CA', 1)]);
    expect(ledger.unattributed).toEqual({ conversions: 1, revenue: '50.00' });
  });
});
