import type { VipCardEvent } from '../card/vip-card.decider';
import { fold } from '../decider';
import { customerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';

const history: CustomerEvent[] = [
  { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } },
  { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' } },
  { type: 'ConsentGranted', data: { customerId: 'C1', channel: 'phone' } },
  { type: 'CustomerEnrolledInCampaign', data: { campaignId: 'K1', customerId: 'C1', group: 'treatment' } },
];

describe('the customer stream', () => {
  it('leaves the customer state as it was when a VIP card event is folded over it', () => {
    const before = fold(customerDecider, history);
    const applied: VipCardEvent = { type: 'VipCardApplied', data: { customerId: 'C1', applicationId: 'A1', tier: 'standard', special: false } };
    expect(customerDecider.evolve(before, applied)).toEqual(before);
  });

  it('leaves the customer state as it was for an event type it does not know (written by a newer version)', () => {
    const before = fold(customerDecider, history);
    const unknown = { type: 'CustomerNicknameChosen', data: { customerId: 'C1', nickname: 'x' } } as unknown as CustomerEvent;
    expect(customerDecider.evolve(before, unknown)).toBe(before);
  });
});
