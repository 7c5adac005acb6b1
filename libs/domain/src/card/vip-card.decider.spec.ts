import type { CustomerEvent } from '../customer/customer.events';
import { ORG, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import { evolveQuota, registryEventsFor, vipCardDecider, type VipCardCommand, type VipCardEvent } from './vip-card.decider';

const at = '2026-03-10T10:00:00.000Z';
const cmd = (c: Record<string, unknown>, by = 'rm1') => ({ customerId: 'C1', org: ORG, at, by: actor(by), ...c }) as unknown as VipCardCommand;
const given = (history: (VipCardEvent | CustomerEvent)[]) => spec(vipCardDecider).given(history as VipCardEvent[]);

const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: null } };
const thresholds = { standard: '200000.00', platinum: '1500000.00', black: '6000000.00' };
const tier = (to: 'standard' | 'platinum' | 'ordinary', from = 'ordinary'): CustomerEvent => ({
  type: 'CustomerTierChanged',
  data: { customerId: 'C1', month: '2026-02', from: from as never, to, threeMonthAverage: '0.00', thresholds },
});
const applied = (special: boolean, t: 'standard' | 'platinum' = 'standard'): VipCardEvent => ({ type: 'VipCardApplied', data: { customerId: 'C1', applicationId: 'A1', tier: t, special } });
const approved = (special: boolean): VipCardEvent => ({ type: 'VipCardApplicationApproved', data: { customerId: 'C1', applicationId: 'A1', approvedBy: special ? 'admin' : 'system', special } });
const issued: VipCardEvent = {
  type: 'VipCardIssued',
  data: { customerId: 'C1', cardId: 'V1', applicationId: 'A1', tier: 'standard', special: false, unitId: 'SB1', validUntil: '2028-03-10T10:00:00.000Z' },
};

describe('VIP cards', () => {
  it('approves at once an application at the tier the customer qualifies for', () => {
    given([onboarded, tier('standard')]).when(cmd({ type: 'ApplyForVipCard', applicationId: 'A1', tier: 'standard' })).then([applied(false), approved(false)]);
  });

  it('holds an application above the customer\'s tier for special approval', () => {
    given([onboarded]).when(cmd({ type: 'ApplyForVipCard', applicationId: 'A1', tier: 'standard' })).then([applied(true)]);
  });

  it('lets only head office approve a special card', () => {
    given([onboarded, applied(true)]).when(cmd({ type: 'DecideSpecialCard', applicationId: 'A1', approve: true, reasonNote: null, quota: { holders: 100, special: 0 } }, 'head-br1')).thenRefuses('HEAD_OFFICE_ONLY');
  });

  it('asks who decides before looking up the application: a branch is refused 403 whether or not it exists or waits', () => {
    const decide = (applicationId: string, by: string) => cmd({ type: 'DecideSpecialCard', applicationId, approve: false, reasonNote: 'n', quota: { holders: 100, special: 0 } }, by);
    given([onboarded]).when(decide('A1', 'head-br1')).thenRefuses('HEAD_OFFICE_ONLY');
    given([onboarded, applied(true), approved(true)]).when(decide('A1', 'head-br1')).thenRefuses('HEAD_OFFICE_ONLY');
    given([onboarded, applied(true)]).when(decide('A9', 'head-br1')).thenRefuses('HEAD_OFFICE_ONLY');
    given([onboarded]).when(decide('A1', 'admin')).thenRefuses('UNKNOWN_APPLICATION');
  });

  it('refuses a special card that would take the sub-branch above 5% of holders', () => {
    // 5 special of 99 holders: one more makes 6 of 100 = 6% > 5%
    given([onboarded, applied(true)])
      .when(cmd({ type: 'DecideSpecialCard', applicationId: 'A1', approve: true, reasonNote: null, quota: { holders: 99, special: 5 } }, 'admin'))
      .thenRefuses('SPECIAL_CARD_QUOTA', { holders: 100, special: 6 });
    // 4 of 99: one more makes 5 of 100 = 5%, allowed
    given([onboarded, applied(true)])
      .when(cmd({ type: 'DecideSpecialCard', applicationId: 'A1', approve: true, reasonNote: null, quota: { holders: 99, special: 4 } }, 'admin'))
      .then([approved(true)]);
  });

  it('refuses a refusal without its reason, and records one with it', () => {
    given([onboarded, applied(true)])
      .when(cmd({ type: 'DecideSpecialCard', applicationId: 'A1', approve: false, reasonNote: null, quota: { holders: 99, special: 0 } }, 'admin'))
      .thenRefuses('REASON_REQUIRED', { field: 'reason' });
    given([onboarded, applied(true)])
      .when(cmd({ type: 'DecideSpecialCard', applicationId: 'A1', approve: false, reasonNote: 'vip-application:A1:refusal', quota: { holders: 99, special: 0 } }, 'admin'))
      .then([{ type: 'VipCardApplicationRefused', data: { customerId: 'C1', applicationId: 'A1', refusedBy: 'admin', reasonNote: 'vip-application:A1:refusal' } }]);
    // Who may decide still comes first: a branch learns nothing more from a blank refusal.
    given([onboarded, applied(true)]).when(cmd({ type: 'DecideSpecialCard', applicationId: 'A1', approve: false, reasonNote: null, quota: { holders: 99, special: 0 } }, 'head-br1')).thenRefuses('HEAD_OFFICE_ONLY');
  });

  it('issues a card valid for two years against an approved application', () => {
    given([onboarded, tier('standard'), applied(false), approved(false)]).when(cmd({ type: 'IssueVipCard', cardId: 'V1' })).then([issued]);
    given([onboarded, tier('standard')]).when(cmd({ type: 'IssueVipCard', cardId: 'V1' })).thenRefuses('NO_APPROVED_APPLICATION');
  });

  it('charges the 100 CNY fee at the annual review to a holder below the threshold', () => {
    given([onboarded, tier('standard'), applied(false), approved(false), issued, tier('ordinary', 'standard')])
      .when(cmd({ type: 'ReviewVipCard', year: 2027 }))
      .then([{ type: 'VipCardReviewed', data: { customerId: 'C1', cardId: 'V1', year: 2027, belowThreshold: true, feeCharged: '100.00' } }]);
  });

  it('upgrades the card to the customer\'s new tier at review, with no fee', () => {
    given([onboarded, tier('standard'), applied(false), approved(false), issued, tier('platinum', 'standard')])
      .when(cmd({ type: 'ReviewVipCard', year: 2027 }))
      .then([
        { type: 'VipCardTierChanged', data: { customerId: 'C1', cardId: 'V1', from: 'standard', to: 'platinum', reason: 'annual_review' } },
        { type: 'VipCardReviewed', data: { customerId: 'C1', cardId: 'V1', year: 2027, belowThreshold: false, feeCharged: '0.00' } },
      ]);
  });

  it('DOMAIN Customer tiers (supervision exceptions: application tier ≠ card tier): a card re-tiered at the annual review is recorded as the review\'s doing', () => {
    given([onboarded, tier('standard'), applied(false), approved(false), issued, tier('platinum', 'standard')])
      .when(cmd({ type: 'ReviewVipCard', year: 2027 }))
      .thenMatches([{ type: 'VipCardTierChanged', data: { from: 'standard', to: 'platinum', reason: 'annual_review' } }, { type: 'VipCardReviewed' }]);
  });

  it('bars a new card for a year after cancelling', () => {
    const cancelled: VipCardEvent = { type: 'VipCardCancelled', data: { customerId: 'C1', cardId: 'V1', special: false, reasonNote: 'card-cancel:K1', noNewCardBefore: '2027-03-10T10:00:00.000Z' } };
    given([onboarded, tier('standard'), applied(false), approved(false), issued]).when(cmd({ type: 'CancelVipCard', reasonNote: 'card-cancel:K1' })).then([cancelled]);
    given([onboarded, tier('standard'), applied(false), approved(false), issued, cancelled])
      .when(cmd({ type: 'ApplyForVipCard', applicationId: 'A2', tier: 'standard' }))
      .thenRefuses('REAPPLY_TOO_SOON');
    given([onboarded, tier('standard'), applied(false), approved(false), issued, cancelled])
      .when(cmd({ type: 'ApplyForVipCard', applicationId: 'A2', tier: 'standard', at: '2027-03-11T00:00:00.000Z' }))
      .thenMatches([{ type: 'VipCardApplied' }, { type: 'VipCardApplicationApproved' }]);
  });

  it('keeps the sub-branch registry: special places from approval, holders from issue', () => {
    const registry = registryEventsFor([approved(true), { ...issued, data: { ...issued.data, special: true } }], 'SB1');
    expect(registry.map((e) => e.type)).toEqual(['SpecialCardPlaceTaken', 'VipCardHolderAdded']);
    expect(registry.reduce(evolveQuota, { holders: 10, special: 0 })).toEqual({ holders: 11, special: 1 });
  });
});
