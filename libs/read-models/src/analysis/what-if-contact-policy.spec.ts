import type { RecordedEvent } from '@app/event-store';
import { contactPolicyFilter } from './what-if';

let n = 0;
/** A campaign contact of customer C1 at a time given with its Beijing offset. */
const contact = (campaignId: string, occurredAt: string): RecordedEvent =>
  ({
    type: 'CustomerContacted',
    data: { customerId: 'C1', campaignId, contactId: `X${++n}` },
    metadata: { occurredAt: new Date(occurredAt).toISOString() },
  }) as unknown as RecordedEvent;

/**
 * The what-if counterfactual of contact limits counts the decider's windows: 30 and 7 bank days
 * (Asia/Shanghai) ending with the contact's day, not rolling 24-hour days (issue 13).
 */
describe('what-if contact limits in bank days', () => {
  const kept = (events: RecordedEvent[], policy = { maxCampaignContactsPer30Days: 3, maxContactsPerCampaignPer7Days: 1 }) =>
    contactPolicyFilter(policy).apply(events).map((e) => new Date(e.metadata.occurredAt).toISOString());

  it('given K1 at 23:30 on 24 March, when K1 again at 00:30 on 31 March (6 days 1 hour later), then both are kept: 24 March is outside 25–31 March', () => {
    expect(kept([contact('K1', '2026-03-24T23:30:00+08:00'), contact('K1', '2026-03-31T00:30:00+08:00')])).toEqual(['2026-03-24T15:30:00.000Z', '2026-03-30T16:30:00.000Z']);
  });

  it('given K1 at 00:30 on 25 March, when K1 again at 23:30 on 31 March, then the second did not happen', () => {
    expect(kept([contact('K1', '2026-03-25T00:30:00+08:00'), contact('K1', '2026-03-31T23:30:00+08:00')])).toEqual(['2026-03-24T16:30:00.000Z']);
  });

  it('given three campaign contacts from 23:30 on 1 March, when a fourth comes at 00:30 on 31 March, then it is kept (2–31 March holds two)', () => {
    const first = [contact('K2', '2026-03-01T23:30:00+08:00'), contact('K3', '2026-03-10T10:00:00+08:00'), contact('K4', '2026-03-20T10:00:00+08:00')];
    expect(kept([...first, contact('K1', '2026-03-31T00:30:00+08:00')])).toHaveLength(4);
  });

  it('given three campaign contacts from 00:30 on 2 March, when a fourth comes at 23:30 on 31 March, then it did not happen (3 of 3 in 2–31 March)', () => {
    const first = [contact('K2', '2026-03-02T00:30:00+08:00'), contact('K3', '2026-03-10T10:00:00+08:00'), contact('K4', '2026-03-20T10:00:00+08:00')];
    expect(kept([...first, contact('K1', '2026-03-31T23:30:00+08:00')])).toHaveLength(3);
  });

  it('given contacts on 1 and 10 March and then one on 5 April, when a contact dated back to 20 March is recorded after them, then it did not happen: 1 March still counts in its window, as the decider counts it', () => {
    // 5 April: 7 March–5 April holds 10 March only: kept. 20 March: 19 February–20 March holds 1 and
    // 10 March, and the 5 April contact counts too (the decider counts contacts stamped later): 3 of 3.
    // Trimming 1 March away when 5 April was seen would have let 20 March through (2 of 3).
    const events = [contact('K2', '2026-03-01T10:00:00+08:00'), contact('K3', '2026-03-10T10:00:00+08:00'), contact('K4', '2026-04-05T10:00:00+08:00'), contact('K5', '2026-03-20T10:00:00+08:00')];
    expect(kept(events)).toEqual(['2026-03-01T02:00:00.000Z', '2026-03-10T02:00:00.000Z', '2026-04-05T02:00:00.000Z']);
  });
});

describe('what-if contact limits and the sales they drop', () => {
  const event = (type: string, data: Record<string, unknown>, occurredAt: string): RecordedEvent =>
    ({ type, data, metadata: { occurredAt: new Date(occurredAt).toISOString() } }) as unknown as RecordedEvent;

  it('given a dropped sale of customer a/b numbered c, when customer a reverses a kept sale numbered b/c, then that reversal is kept: a sale is known by customer and number, not by a joined string', () => {
    const events = [
      event('CustomerContacted', { customerId: 'a', campaignId: 'K', contactId: 'X1' }, '2026-03-10T10:00:00+08:00'),
      // a/b had no contact of K: this sale did not happen.
      event('ConversionRecorded', { customerId: 'a/b', conversionId: 'c', campaignId: 'K' }, '2026-03-11T10:00:00+08:00'),
      // a was contacted for K the day before: this sale stands, and so does its reversal.
      event('ConversionRecorded', { customerId: 'a', conversionId: 'b/c', campaignId: 'K' }, '2026-03-11T11:00:00+08:00'),
      event('ConversionReversed', { customerId: 'a', conversionId: 'b/c' }, '2026-03-12T10:00:00+08:00'),
    ];
    const filter = contactPolicyFilter({ maxCampaignContactsPer30Days: 3, maxContactsPerCampaignPer7Days: 1 });
    expect(filter.apply(events).map((e) => `${e.type} ${(e.data as { customerId: string }).customerId}`)).toEqual(['CustomerContacted a', 'ConversionRecorded a', 'ConversionReversed a']);
    expect(filter.dropped).toBe(1);
  });
});
