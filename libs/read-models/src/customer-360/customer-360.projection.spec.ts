import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { customer360Projection } from './customer-360.projection';

const event = (type: string, data: Record<string, unknown>) => ({ type, data: { customerId: 'C1', ...data }, metadata: { occurredAt: '2026-03-31T16:30:00.000Z' } }) as unknown as RecordedEvent;
const customerRow = (events: RecordedEvent[], optedOut = new Map<string, string[]>()) => foldEffects(customer360Projection.definition, events, optedOut).rows('c360_customers')[0]!;

describe('the customer 360 as effects', () => {
  it('given channels withdrawn twice and granted back in one batch, lists the ones still opted out of, sorted, once each', () => {
    const row = customerRow(
      [event('ConsentWithdrawn', { channel: 'sms' }), event('ConsentWithdrawn', { channel: 'email' }), event('ConsentWithdrawn', { channel: 'sms' }), event('ConsentGranted', { channel: 'phone' })],
      new Map([['C1', ['phone']]]),
    );
    // phone (before) + sms + email + sms again − phone = email, sms.
    expect(row.change).toEqual({ opted_out: ['email', 'sms'] });
  });

  it('given a card issued, re-tiered and cancelled in one batch, ends with no card; a customer never onboarded gets no row', () => {
    const row = customerRow([
      event('VipCardIssued', { cardId: 'V1', tier: 'gold', validUntil: '2027-03-31T16:00:00.000Z' }),
      event('VipCardTierChanged', { cardId: 'V1', to: 'platinum' }),
      event('VipCardCancelled', { cardId: 'V1' }),
    ]);
    expect(row).toMatchObject({ change: { card_id: null, card_tier: null, card_valid_until: null }, insert: null });
  });

  it('given an onboarding at 00:30 Beijing and a consent withdrawn after it in the batch, inserts the customer already opted out', () => {
    const row = customerRow([event('CustomerOnboarded', { homeUnitId: 'SB1', segment: 'retail', gender: 'F' }), event('ConsentWithdrawn', { channel: 'sms' })]);
    expect(row.insert).toEqual({ customer_id: 'C1', unit_id: 'SB1', segment: 'retail', gender: 'F', onboarded_at: '2026-03-31T16:30:00.000Z', opted_out: ['sms'] });
  });
});
