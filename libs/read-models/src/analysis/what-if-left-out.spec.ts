import type { RecordedEvent } from '@app/event-store';
import { leftOutOf } from './what-if';

const at = (type: string, prepare: number) => ({ type, position: { commit: BigInt(prepare), prepare: BigInt(prepare) } }) as unknown as RecordedEvent;

/** Campaigns reflect the log up to 10 and read contacts and offers; people up to 20 and read contacts only. */
const sides = [
  { eventTypes: ['CustomerContacted', 'OfferPresented'], through: { commit: 10n, prepare: 10n } },
  { eventTypes: ['CustomerContacted'], through: { commit: 20n, prepare: 20n } },
];

describe('what-if: an event the filter left out, counted in filteredOut', () => {
  it('given an offer at 10 (the campaigns position, which read offers), then counted', () => {
    expect(leftOutOf(at('OfferPresented', 10), sides)).toBe(true);
  });
  it('given an offer at 15, past the campaigns and read by no other side, then not counted', () => {
    expect(leftOutOf(at('OfferPresented', 15), sides)).toBe(false);
  });
  it('given a contact at 15, past the campaigns but within the people, who read contacts, then counted; at 21, past both, not', () => {
    expect([leftOutOf(at('CustomerContacted', 15), sides), leftOutOf(at('CustomerContacted', 21), sides)]).toEqual([true, false]);
  });
  it('given a declined offer, which no side reads, then never counted; given a side with nothing yet (null), then nothing within it', () => {
    expect([leftOutOf(at('OfferDeclined', 5), sides), leftOutOf(at('CustomerContacted', 1), [{ eventTypes: ['CustomerContacted'], through: null }])]).toEqual([false, false]);
  });
});
