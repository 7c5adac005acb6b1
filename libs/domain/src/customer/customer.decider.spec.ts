import { ORG, actor, product } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CampaignFacts, CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';

const at = '2026-03-10T10:00:00.000Z';
// No other campaign holds C1 in a running control group (read only by campaign contacts, offers and sales).
const base = { customerId: 'C1', org: ORG, at, by: actor('rm1'), controlGroupsInForce: [] };
const cmd = (c: Record<string, unknown>, over: Partial<typeof base> = {}) => ({ ...base, ...over, ...c }) as unknown as CustomerCommand;
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);

const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const consent = (channel: 'phone' | 'sms' | 'app' | 'branch' | 'email'): CustomerEvent => ({ type: 'ConsentGranted', data: { customerId: 'C1', channel } });
const withdrawn = (channel: 'phone' | 'sms' | 'app' | 'branch' | 'email'): CustomerEvent => ({ type: 'ConsentWithdrawn', data: { customerId: 'C1', channel } });
const enrolled = (group: 'treatment' | 'control', campaignId = 'K1'): CustomerEvent => ({ type: 'CustomerEnrolledInCampaign', data: { campaignId, customerId: 'C1', group } });
const assessed = (tolerance: 'R1' | 'R2' | 'R3' | 'R4' | 'R5', assessedAt = '2026-01-01T00:00:00.000Z', validUntil = '2027-01-01T00:00:00.000Z'): CustomerEvent => ({
  type: 'RiskProfileAssessed',
  data: { customerId: 'C1', tolerance, assessedAt, validUntil },
});
const contacted = (contactId: string, contactedAt: string, campaignId: string | null = 'K1'): CustomerEvent => ({
  type: 'CustomerContacted',
  data: { contactId, customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId, outcomeNote: null, contactedAt },
});
const campaign = (over: Partial<CampaignFacts> = {}): CampaignFacts => ({
  campaignId: 'K1',
  status: 'launched',
  channels: ['phone', 'sms'],
  productCodes: ['FUND-BOND', 'DEP-1Y'],
  periodEnd: '2027-01-01T00:00:00.000Z',
  includeOtherControlGroups: false,
  ...over,
});
const contact = (over: Record<string, unknown> = {}) =>
  cmd({ type: 'RecordContact', contactId: 'X9', staffId: 'rm1', channel: 'phone', outcomeNote: null, campaign: campaign(), ...over });

describe('customer', () => {
  describe('onboarding', () => {
    it('assigns the customer to the sub-branch holding most of their assets', () => {
      given([])
        .when(cmd({ type: 'OnboardCustomer', segment: 'retail', gender: 'F', birthYear: 1980, assetsByUnit: { SB1: '50000', SB1B: '80000.5' } }, { by: actor('head-br1') }))
        .then([{ type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1B', segment: 'retail', gender: 'F', birthYear: 1980 } }]);
    });

    it('refuses a home unit that is not a sub-branch', () => {
      given([]).when(cmd({ type: 'OnboardCustomer', segment: 'retail', gender: 'F', birthYear: null, assetsByUnit: { BR1: '1' } }, { by: actor('admin') })).thenRefuses('NOT_A_SUB_BRANCH');
      given([]).when(cmd({ type: 'OnboardCustomer', segment: 'retail', gender: 'F', birthYear: null, assetsByUnit: { SB1: '-100' } })).thenRefuses('INVALID_AMOUNT');
    });

    it('refuses onboarding twice', () => {
      given([onboarded]).when(cmd({ type: 'OnboardCustomer', segment: 'retail', gender: 'F', birthYear: null, assetsByUnit: { SB1: '1' } })).thenRefuses('ALREADY_EXISTS');
    });

    it('refuses onboarding into a unit outside the actor\'s', () => {
      given([]).when(cmd({ type: 'OnboardCustomer', segment: 'retail', gender: 'F', birthYear: null, assetsByUnit: { SB2: '1' } })).thenRefuses('OUTSIDE_SCOPE');
      // C1 exists (in SB1): rm1 asking for SB2 learns nothing of it, the same refusal as for a free id.
      given([onboarded]).when(cmd({ type: 'OnboardCustomer', segment: 'retail', gender: 'F', birthYear: null, assetsByUnit: { SB2: '1' } })).thenRefuses('OUTSIDE_SCOPE');
    });

    it('refuses any command on an unknown customer', () => {
      given([]).when(cmd({ type: 'AssessRisk', tolerance: 'R3' }, { by: actor('head-br1') })).thenRefuses('UNKNOWN_CUSTOMER');
      // A role that may never do this is told so whether the customer exists or not: the answer gives nothing away.
      given([]).when(cmd({ type: 'AssessRisk', tolerance: 'R3' })).thenRefuses('ROLE_NOT_ALLOWED');
      given([onboarded]).when(cmd({ type: 'AssessRisk', tolerance: 'R3' })).thenRefuses('ROLE_NOT_ALLOWED');
    });
  });

  describe('balances and tiers', () => {
    // Balances come from the core-banking feed, which posts as the admin.
    const feed = { by: actor('admin') };
    const snapshot = (month: string, averageDailyAssets: string): CustomerEvent => ({
      type: 'BalanceSnapshotRecorded',
      data: { customerId: 'C1', month, averageDailyAssets, holdings: [] },
    });
    const thresholds = { standard: '200000.00', platinum: '1500000.00', black: '6000000.00' };

    it('raises the tier when the 3-month average crosses a threshold, with the figures', () => {
      // (100,000 + 200,000 + 330,000) / 3 = 210,000 ≥ 200,000
      given([onboarded, snapshot('2026-01', '100000.00'), snapshot('2026-02', '200000.00')])
        .when(cmd({ type: 'RecordBalanceSnapshot', month: '2026-03', averageDailyAssets: '330000', holdings: ['DEP-1Y'] }, feed))
        .then([
          { type: 'BalanceSnapshotRecorded', data: { customerId: 'C1', month: '2026-03', averageDailyAssets: '330000.00', holdings: ['DEP-1Y'] } },
          { type: 'CustomerTierChanged', data: { customerId: 'C1', month: '2026-03', from: 'ordinary', to: 'standard', threeMonthAverage: '210000.00', thresholds } },
        ]);
    });

    it('keeps the tier when the average stays in the band', () => {
      given([onboarded, snapshot('2026-01', '100000.00')])
        .when(cmd({ type: 'RecordBalanceSnapshot', month: '2026-02', averageDailyAssets: '250000', holdings: [] }, feed))
        .then([{ type: 'BalanceSnapshotRecorded', data: { customerId: 'C1', month: '2026-02', averageDailyAssets: '250000.00', holdings: [] } }]);
    });

    it('lowers the tier when the average falls, using only the last three months', () => {
      const up: CustomerEvent = { type: 'CustomerTierChanged', data: { customerId: 'C1', month: '2026-01', from: 'ordinary', to: 'platinum', threeMonthAverage: '1600000.00', thresholds } };
      // last three: 1,600,000 + 100,000 + 100,000 = 600,000 average → standard
      given([onboarded, snapshot('2025-12', '9000000.00'), snapshot('2026-01', '1600000.00'), up, snapshot('2026-02', '100000.00')])
        .when(cmd({ type: 'RecordBalanceSnapshot', month: '2026-03', averageDailyAssets: '100000', holdings: [] }, feed))
        .thenMatches([{ type: 'BalanceSnapshotRecorded' }, { type: 'CustomerTierChanged', data: { from: 'platinum', to: 'standard', threeMonthAverage: '600000.00' } }]);
    });

    it('uses the raised thresholds of the customer\'s branch', () => {
      const org = { ...ORG, thresholds: new Map([['BR1', { standard: '300000.00', platinum: '1500000.00', black: '6000000.00' }]]) };
      given([onboarded])
        .when(cmd({ type: 'RecordBalanceSnapshot', month: '2026-03', averageDailyAssets: '250000', holdings: [] }, { org, ...feed } as never))
        .then([{ type: 'BalanceSnapshotRecorded', data: { customerId: 'C1', month: '2026-03', averageDailyAssets: '250000.00', holdings: [] } }]);
    });

    it('refuses a snapshot for a month already recorded', () => {
      given([onboarded, snapshot('2026-03', '1.00')])
        .when(cmd({ type: 'RecordBalanceSnapshot', month: '2026-03', averageDailyAssets: '2', holdings: [] }, feed))
        .thenRefuses('SNAPSHOT_OUT_OF_ORDER');
    });
  });

  describe('assignment, claims and transfers', () => {
    it('assigns a relationship manager of the customer\'s sub-branch', () => {
      given([onboarded])
        .when(cmd({ type: 'AssignManager', staffId: 'rm2' }, { by: actor('head-sb1') }))
        .then([{ type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm2', previousStaffId: null, unitId: 'SB1' } }]);
    });

    it('refuses a manager from another sub-branch', () => {
      given([onboarded]).when(cmd({ type: 'AssignManager', staffId: 'rm3' }, { by: actor('head-sb1') })).thenRefuses('STAFF_NOT_IN_UNIT');
    });

    // Claims for customers not yet in the system: customer-claims.spec.ts.
    it('refuses a claim decided by the claimant\'s own unit (as unknown to it)', () => {
      const filed: CustomerEvent = { type: 'CustomerClaimFiled', data: { customerId: 'C1', claimId: 'CL1', staffId: 'rm1', unitId: 'SB1' } };
      given([onboarded, filed]).when(cmd({ type: 'DecideClaim', claimId: 'CL1', approve: true }, { by: actor('head-sb1') })).thenRefuses('UNKNOWN_CLAIM');
    });

    it('lets the branch transfer a customer inside the branch', () => {
      given([onboarded])
        .when(cmd({ type: 'TransferCustomer', toStaffId: 'rm1b' }, { by: actor('head-br1') }))
        .then([
          { type: 'CustomerTransferred', data: { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'SB1B', fromStaffId: null, toStaffId: 'rm1b', crossBranch: false } },
          { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1b', previousStaffId: null, unitId: 'SB1B' } },
        ]);
    });

    it('leaves transfers across branches to head office', () => {
      given([onboarded]).when(cmd({ type: 'TransferCustomer', toStaffId: 'rm3' }, { by: actor('head-br1') })).thenRefuses('TRANSFER_NOT_ALLOWED');
      given([onboarded]).when(cmd({ type: 'TransferCustomer', toStaffId: 'rm3' }, { by: actor('admin') })).thenMatches([{ type: 'CustomerTransferred', data: { crossBranch: true, toUnitId: 'SB2' } }, { type: 'CustomerAssignedToManager' }]);
    });
  });

  describe('risk profile and consent', () => {
    it('records a risk assessment valid for one year', () => {
      given([onboarded])
        .when(cmd({ type: 'AssessRisk', tolerance: 'R3' }, { by: actor('head-sb1') }))
        .then([{ type: 'RiskProfileAssessed', data: { customerId: 'C1', tolerance: 'R3', assessedAt: at, validUntil: '2027-03-10T10:00:00.000Z' } }]);
    });

    it('withdraws and grants consent per channel, and ignores a repeat', () => {
      // Contact is opt-out: a grant is recorded only to undo a withdrawal.
      given([onboarded, withdrawn('sms')]).when(cmd({ type: 'SetConsent', channel: 'sms', granted: true })).then([consent('sms')]);
      given([onboarded, withdrawn('sms'), consent('sms')]).when(cmd({ type: 'SetConsent', channel: 'sms', granted: true })).then([]);
      given([onboarded, consent('sms')]).when(cmd({ type: 'SetConsent', channel: 'sms', granted: false })).then([withdrawn('sms')]);
    });
  });

  describe('contacts', () => {
    it('records a campaign contact on a consented channel to a treatment customer', () => {
      given([onboarded, consent('phone'), enrolled('treatment')])
        .when(contact())
        .then([{ type: 'CustomerContacted', data: { contactId: 'X9', customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId: 'K1', outcomeNote: null, contactedAt: at } }]);
    });

    it('refuses a channel the customer opted out of', () => {
      given([onboarded, consent('sms'), withdrawn('phone'), enrolled('treatment')]).when(contact()).thenRefuses('OPTED_OUT', { channel: 'phone' });
    });

    it('refuses contacting a control-group customer for that campaign', () => {
      given([onboarded, consent('phone'), enrolled('control')]).when(contact()).thenRefuses('CONTROL_GROUP_CUSTOMER');
    });

    it('allows a control-group customer to be contacted outside the campaign', () => {
      given([onboarded, consent('phone'), enrolled('control')]).when(contact({ campaign: null })).thenMatches([{ type: 'CustomerContacted', data: { campaignId: null } }]);
    });

    it('refuses a customer who is not in the campaign\'s audience', () => {
      given([onboarded, consent('phone')]).when(contact()).thenRefuses('NOT_IN_CAMPAIGN');
    });

    it('refuses a campaign that is not running', () => {
      given([onboarded, consent('phone'), enrolled('treatment')]).when(contact({ campaign: campaign({ status: 'completed' }) })).thenRefuses('CAMPAIGN_NOT_RUNNING');
    });

    it('refuses a channel the campaign does not use', () => {
      given([onboarded, consent('email'), enrolled('treatment')]).when(contact({ channel: 'email' })).thenRefuses('CHANNEL_NOT_IN_CAMPAIGN');
    });

    it('refuses a fourth campaign contact within 30 days', () => {
      given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-02-20T10:00:00.000Z', 'K2'), contacted('b', '2026-02-25T10:00:00.000Z', 'K3'), contacted('c', '2026-03-01T10:00:00.000Z', 'K4')])
        .when(contact())
        .thenRefuses('CONTACT_LIMIT_REACHED', { limit: 'per_customer_30_days', max: 3, count: 3 });
    });

    it('counts only the last 30 days', () => {
      given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-02-05T10:00:00.000Z', 'K2'), contacted('b', '2026-02-25T10:00:00.000Z', 'K3'), contacted('c', '2026-03-01T10:00:00.000Z', 'K4')])
        .when(contact())
        .thenMatches([{ type: 'CustomerContacted' }]);
    });

    it('refuses a second contact by the same campaign within 7 days', () => {
      given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-05T10:00:00.000Z')])
        .when(contact())
        .thenRefuses('CONTACT_LIMIT_REACHED', { limit: 'per_campaign_7_days' });
    });

    it('counts a contact stamped later than this command (racing requests decided out of order)', () => {
      given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-10T10:00:01.000Z')])
        .when(contact())
        .thenRefuses('CONTACT_LIMIT_REACHED', { limit: 'per_campaign_7_days' });
    });

    // Issue 13: the policy's 30 and 7 days are bank days (Asia/Shanghai): the day of the new contact and
    // the 29 (6) before it from their first midnight — neither rolling 24-hour days nor UTC days.
    describe('in bank days, near midnight Beijing time', () => {
      it('given K1 reached at 23:30 on 24 March, when K1 calls again at 00:30 on 31 March (6 days 1 hour later), then it is allowed: 24 March is not among the 7 bank days 25–31 March', () => {
        // 23:30 +08:00 on the 24th is 15:30Z on the 24th; 00:30 +08:00 on the 31st is 16:30Z on the 30th.
        // Rolling 7 × 24 h would still count it, and so would UTC days (24–30 March UTC).
        given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-24T15:30:00.000Z')])
          .when(contact({ at: '2026-03-30T16:30:00.000Z' }))
          .thenMatches([{ type: 'CustomerContacted', data: { contactedAt: '2026-03-30T16:30:00.000Z' } }]);
      });

      it('given K1 reached at 00:30 on 25 March, when K1 calls again at 23:30 on 31 March (6 days 23 hours later), then it is refused: 25 March is the first of the 7 bank days', () => {
        // 00:30 +08:00 on the 25th is 16:30Z on the 24th: UTC days (25–31 March UTC) would leave it out.
        given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-24T16:30:00.000Z')])
          .when(contact({ at: '2026-03-31T15:30:00.000Z' }))
          .thenRefuses('CONTACT_LIMIT_REACHED', { limit: 'per_campaign_7_days', max: 1, count: 1 });
      });

      it('given three campaign contacts from 23:30 on 1 March, when a fourth comes at 00:30 on 31 March (29 days 1 hour later), then it is allowed: 1 March is not among the 30 bank days 2–31 March', () => {
        // Rolling 30 × 24 h would count all three (3 of 3: refused).
        given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-01T15:30:00.000Z', 'K2'), contacted('b', '2026-03-10T02:00:00.000Z', 'K3'), contacted('c', '2026-03-20T02:00:00.000Z', 'K4')])
          .when(contact({ at: '2026-03-30T16:30:00.000Z' }))
          .thenMatches([{ type: 'CustomerContacted' }]);
      });

      it('given three campaign contacts from 00:30 on 2 March, when a fourth comes at 23:30 on 31 March (29 days 23 hours later), then it is refused: 3 of 3 in the 30 bank days 2–31 March', () => {
        // 00:30 +08:00 on 2 March is 16:30Z on 1 March: UTC days (2–31 March UTC) would count 2 and allow it.
        given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-01T16:30:00.000Z', 'K2'), contacted('b', '2026-03-10T02:00:00.000Z', 'K3'), contacted('c', '2026-03-20T02:00:00.000Z', 'K4')])
          .when(contact({ at: '2026-03-31T15:30:00.000Z' }))
          .thenRefuses('CONTACT_LIMIT_REACHED', { limit: 'per_customer_30_days', max: 3, count: 3 });
      });
    });

    it('applies the tighter policy set for the customer\'s branch', () => {
      given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-01T10:00:00.000Z', 'K2')])
        .when(contact({ org: { ...ORG, contactPolicies: new Map([['BR1', { maxCampaignContactsPer30Days: 1, maxContactsPerCampaignPer7Days: 1 }]]) } }))
        .thenRefuses('CONTACT_LIMIT_REACHED', { limit: 'per_customer_30_days', max: 1 });
    });

    it('does not count contacts outside any campaign against the limits', () => {
      given([onboarded, consent('phone'), enrolled('treatment'), contacted('a', '2026-03-09T10:00:00.000Z', null), contacted('b', '2026-03-09T11:00:00.000Z', null), contacted('c', '2026-03-09T12:00:00.000Z', null)])
        .when(contact())
        .thenMatches([{ type: 'CustomerContacted' }]);
    });
  });

  describe('offers and suitability', () => {
    const offer = (code: string, over: Record<string, unknown> = {}) => cmd({ type: 'PresentOffer', offerId: 'O1', staffId: 'rm1', product: product(code), campaign: null, ...over });

    it('presents a product within the customer\'s risk tolerance', () => {
      given([onboarded, assessed('R3')])
        .when(offer('GOLD'))
        .then([{ type: 'OfferPresented', data: { offerId: 'O1', customerId: 'C1', staffId: 'rm1', productCode: 'GOLD', campaignId: null } }]);
    });

    it('blocks a product above the tolerance and records the refusal', () => {
      const blocked: CustomerEvent = {
        type: 'OfferBlockedAsUnsuitable',
        data: { customerId: 'C1', staffId: 'rm1', productCode: 'FUND-EQ', productRiskLevel: 'R4', customerTolerance: 'R3', reason: 'risk_above_tolerance', attempted: 'offer', campaignId: null },
      };
      given([onboarded, assessed('R3')]).when(offer('FUND-EQ')).thenRefuses('OFFER_NOT_SUITABLE', { reason: 'risk_above_tolerance' });
      let error: { recorded?: unknown } = {};
      try {
        customerDecider.decide(offer('FUND-EQ'), [onboarded, assessed('R3')].reduce(customerDecider.evolve, customerDecider.initialState()));
      } catch (e) {
        error = e as { recorded?: unknown };
      }
      expect(error.recorded).toEqual([blocked]);
    });

    it('treats no assessment as unsuitable for risk-bearing products only', () => {
      given([onboarded]).when(offer('FUND-BOND')).thenRefuses('OFFER_NOT_SUITABLE', { reason: 'no_assessment' });
      given([onboarded]).when(offer('DEP-1Y')).thenMatches([{ type: 'OfferPresented' }]);
    });

    it('treats an expired assessment as unsuitable', () => {
      given([onboarded, assessed('R5', '2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')]).when(offer('FUND-BOND')).thenRefuses('OFFER_NOT_SUITABLE', { reason: 'assessment_expired' });
    });

    it('refuses a campaign offer to a control customer and a product the campaign does not carry', () => {
      given([onboarded, assessed('R5'), enrolled('control')]).when(offer('FUND-BOND', { campaign: campaign() })).thenRefuses('CONTROL_GROUP_CUSTOMER');
      given([onboarded, assessed('R5'), enrolled('treatment')]).when(offer('GOLD', { campaign: campaign() })).thenRefuses('PRODUCT_NOT_IN_CAMPAIGN');
    });

    it('records the answer to an open offer once', () => {
      const presented: CustomerEvent = { type: 'OfferPresented', data: { offerId: 'O1', customerId: 'C1', staffId: 'rm1', productCode: 'GOLD', campaignId: null } };
      given([onboarded, presented]).when(cmd({ type: 'RespondToOffer', offerId: 'O1', accepted: true })).then([{ type: 'OfferAccepted', data: presented.data }]);
      given([onboarded, presented, { type: 'OfferDeclined', data: presented.data as never }]).when(cmd({ type: 'RespondToOffer', offerId: 'O1', accepted: true })).thenRefuses('OFFER_NOT_OPEN');
      given([onboarded]).when(cmd({ type: 'RespondToOffer', offerId: 'O1', accepted: true })).thenRefuses('UNKNOWN_OFFER');
    });
  });

  describe('referrals, conversions and reversals', () => {
    const conversion = (over: Record<string, unknown> = {}) =>
      cmd({ type: 'RecordConversion', conversionId: 'V1', staffId: 'rm1', product: product('FUND-BOND'), amount: '50000', revenue: '750.5', campaign: null, referrerStaffId: null, referralId: null, ...over });

    it('records a referral from one staff member to another', () => {
      given([onboarded])
        .when(cmd({ type: 'ReferCrossSell', referralId: 'R1', referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'GOLD' }))
        .then([{ type: 'CrossSellReferred', data: { referralId: 'R1', customerId: 'C1', referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'GOLD' } }]);
      given([onboarded]).when(cmd({ type: 'ReferCrossSell', referralId: 'R1', referrerStaffId: 'rm1', sellerStaffId: 'rm1', productCode: 'GOLD' })).thenRefuses('SAME_STAFF');
    });

    it('records a conversion with exact amounts', () => {
      given([onboarded, assessed('R3'), enrolled('treatment')])
        .when(conversion({ campaign: campaign() }))
        .then([
          {
            type: 'ConversionRecorded',
            data: { conversionId: 'V1', customerId: 'C1', staffId: 'rm1', productCode: 'FUND-BOND', amount: '50000.00', revenue: '750.50', campaignId: 'K1', referrerStaffId: null, referralId: null },
          },
        ]);
    });

    it('refuses a negative, zero or inexact amount', () => {
      given([onboarded, assessed('R3')]).when(conversion({ amount: '0' })).thenRefuses('INVALID_AMOUNT');
      given([onboarded, assessed('R3')]).when(conversion({ revenue: '-1' })).thenRefuses('INVALID_AMOUNT');
      given([onboarded, assessed('R3')]).when(conversion({ amount: '1.005' })).thenRefuses('INVALID_AMOUNT');
    });

    it('blocks an unsuitable sale and records it', () => {
      given([onboarded, assessed('R1')]).when(conversion()).thenRefuses('OFFER_NOT_SUITABLE', { reason: 'risk_above_tolerance' });
    });

    it('refuses a referral id the customer does not have', () => {
      given([onboarded, assessed('R3')]).when(conversion({ referralId: 'R404', referrerStaffId: 'rm2' })).thenRefuses('UNKNOWN_REFERRAL');
    });

    it('reverses a conversion once', () => {
      const recorded: CustomerEvent = {
        type: 'ConversionRecorded',
        data: { conversionId: 'V1', customerId: 'C1', staffId: 'rm1', productCode: 'GOLD', amount: '1.00', revenue: '1.00', campaignId: null, referrerStaffId: null, referralId: null },
      };
      const reversed: CustomerEvent = { type: 'ConversionReversed', data: { conversionId: 'V1', customerId: 'C1', reasonNote: null } };
      given([onboarded, recorded]).when(cmd({ type: 'ReverseConversion', conversionId: 'V1', reasonNote: null })).then([reversed]);
      given([onboarded, recorded, reversed]).when(cmd({ type: 'ReverseConversion', conversionId: 'V1', reasonNote: null })).thenRefuses('ALREADY_REVERSED');
      given([onboarded]).when(cmd({ type: 'ReverseConversion', conversionId: 'V1', reasonNote: null })).thenRefuses('UNKNOWN_CONVERSION');
    });

    it("lets only the seller, the heads of the seller's unit or an admin reverse a sale (DOMAIN.md, Staff scorecards: sales set pay)", () => {
      // rm1 (SB1) sold to C1, a customer of SB1 nobody manages: rm1b's colleague access does not reach the sale.
      const sold: CustomerEvent = {
        type: 'ConversionRecorded',
        data: { conversionId: 'V1', customerId: 'C1', staffId: 'rm1', productCode: 'GOLD', amount: '1.00', revenue: '1.00', campaignId: null, referrerStaffId: null, referralId: null },
      };
      const reverse = (by: string) => cmd({ type: 'ReverseConversion', conversionId: 'V1', reasonNote: null }, { by: actor(by) });
      const reversed: CustomerEvent = { type: 'ConversionReversed', data: { conversionId: 'V1', customerId: 'C1', reasonNote: null } };
      const colleague = { ...ORG, staff: new Map(ORG.staff).set('rm1c', { ...ORG.staff.get('rm1')!, staffId: 'rm1c' }) };
      given([onboarded, sold]).when(cmd({ type: 'ReverseConversion', conversionId: 'V1', reasonNote: null }, { by: { userId: 'rm1c', unitId: 'SB1', role: 'relationship_manager' }, org: colleague })).thenRefuses('NOT_YOUR_RECORD');
      given([onboarded, sold]).when(reverse('rm1')).then([reversed]);
      given([onboarded, sold]).when(reverse('head-sb1')).then([reversed]);
      given([onboarded, sold]).when(reverse('admin')).then([reversed]);
    });
    it('refuses to reverse a sale dated in a closed month (PERIOD_CLOSED), though the reversal is dated today, unless an admin records it as a correction (issue 16, item 7a)', () => {
      // Sold 23:30 Beijing on 31 January (15:30Z): January in the bank's calendar, though February is one
      // UTC-slice away; head office closed January; the reversal is dated 10 March (open).
      const soldLate = {
        type: 'ConversionRecorded',
        data: { conversionId: 'V1', customerId: 'C1', staffId: 'rm1', productCode: 'GOLD', amount: '1.00', revenue: '1.00', campaignId: null, referrerStaffId: null, referralId: null },
        metadata: { occurredAt: '2026-01-31T15:30:00.000Z' },
      } as CustomerEvent;
      const soldEarlyFeb = { ...soldLate, metadata: { occurredAt: '2026-01-31T16:30:00.000Z' } } as unknown as CustomerEvent; // 00:30 Beijing, 1 February
      const januaryClosed = { ...ORG, closedMonths: new Set(['2026-01']) };
      const reversed: CustomerEvent = { type: 'ConversionReversed', data: { conversionId: 'V1', customerId: 'C1', reasonNote: null } };
      const reverse = (by: string, correction?: string) => cmd({ type: 'ReverseConversion', conversionId: 'V1', reasonNote: null, ...(correction ? { correction } : {}) }, { by: actor(by), org: januaryClosed });
      given([onboarded, soldLate]).when(reverse('rm1')).thenRefuses('PERIOD_CLOSED', { month: '2026-01' });
      given([onboarded, soldLate]).when(reverse('head-sb1')).thenRefuses('PERIOD_CLOSED', { month: '2026-01' });
      given([onboarded, soldLate]).when(reverse('admin')).thenRefuses('PERIOD_CLOSED', { month: '2026-01' });
      given([onboarded, soldLate]).when(reverse('admin', 'sale keyed twice')).then([reversed]);
      given([onboarded, soldEarlyFeb]).when(reverse('rm1')).then([reversed]);
    });
  });

  describe('personal data', () => {
    const erased: CustomerEvent = { type: 'CustomerDataErased', data: { customerId: 'C1', reasonCode: 'customer_request', requestRef: null, erasedBy: 'admin' } };
    const managedByRm1: CustomerEvent = { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' } };
    it('records which fields were corrected, never their values', () => {
      given([onboarded, managedByRm1]).when(cmd({ type: 'CorrectPersonalData', fields: ['phone', 'name', 'phone'] })).then([{ type: 'CustomerPersonalDataCorrected', data: { customerId: 'C1', fields: ['name', 'phone'] } }]);
    });

    it("DOMAIN Privacy (personal data for those who serve the customer): an unassigned customer's details are corrected by a head or an admin, not by the sub-branch's relationship managers", () => {
      const correct = (by: string) => cmd({ type: 'CorrectPersonalData', fields: ['phone'] }, { by: actor(by) });
      given([onboarded]).when(correct('rm1')).thenRefuses('NOT_YOUR_CUSTOMER');
      given([onboarded]).when(correct('head-sb1')).then([{ type: 'CustomerPersonalDataCorrected', data: { customerId: 'C1', fields: ['phone'] } }]);
      given([onboarded]).when(correct('admin')).then([{ type: 'CustomerPersonalDataCorrected', data: { customerId: 'C1', fields: ['phone'] } }]);
      given([onboarded, managedByRm1]).when(correct('rm1')).then([{ type: 'CustomerPersonalDataCorrected', data: { customerId: 'C1', fields: ['phone'] } }]);
    });

    it('lets only an admin erase, with a reason, once', () => {
      given([onboarded]).when(cmd({ type: 'EraseCustomerData', reasonCode: 'customer_request', requestRef: null }, { by: actor('admin') })).then([erased]);
      given([onboarded]).when(cmd({ type: 'EraseCustomerData', reasonCode: 'customer_request', requestRef: null })).thenRefuses('ROLE_NOT_ALLOWED');
      // A reason is a code; prose (which could quote the customer, and outlives the erasure) is refused.
      given([onboarded]).when(cmd({ type: 'EraseCustomerData', reasonCode: 'she asked on the phone' as never, requestRef: null }, { by: actor('admin') })).thenRefuses('REASON_REQUIRED');
      given([onboarded]).when(cmd({ type: 'EraseCustomerData', reasonCode: 'other', requestRef: 'letter from Li Hua' }, { by: actor('admin') })).thenRefuses('INVALID_REFERENCE');
      given([onboarded]).when(cmd({ type: 'EraseCustomerData', reasonCode: 'legal_order', requestRef: 'COURT/2026-118' }, { by: actor('admin') })).then([
        { type: 'CustomerDataErased', data: { customerId: 'C1', reasonCode: 'legal_order', requestRef: 'COURT/2026-118', erasedBy: 'admin' } },
      ]);
      given([onboarded, erased]).when(cmd({ type: 'EraseCustomerData', reasonCode: 'customer_request', requestRef: null }, { by: actor('admin') })).then([]);
    });

    it('refuses correcting erased personal data', () => {
      given([onboarded, erased]).when(cmd({ type: 'CorrectPersonalData', fields: ['name'] })).thenRefuses('DATA_ERASED');
      given([onboarded, managedByRm1]).when(cmd({ type: 'CorrectPersonalData', fields: ['phone'], nameMissing: true })).thenRefuses('NAME_REQUIRED');
    });
  });

  describe('complaints', () => {
    it('records a complaint against the contact that caused it, with a deadline', () => {
      given([onboarded, contacted('X1', '2026-03-09T10:00:00.000Z')])
        .when(cmd({ type: 'RecordComplaint', complaintId: 'Q1', category: 'too_many_calls', descriptionNote: null, contactId: 'X1', answerWithinDays: 15 }))
        .then([
          {
            type: 'ComplaintRecorded',
            data: { complaintId: 'Q1', customerId: 'C1', category: 'too_many_calls', descriptionNote: null, contactId: 'X1', staffId: 'rm1', campaignId: 'K1', answerDueBy: '2026-03-25T10:00:00.000Z' },
          },
        ]);
    });

    it('marks an answer after the deadline as late, and refuses a second answer', () => {
      const complaint: CustomerEvent = {
        type: 'ComplaintRecorded',
        data: { complaintId: 'Q1', customerId: 'C1', category: 'other', descriptionNote: 'complaint:Q1:description', contactId: null, staffId: null, campaignId: null, answerDueBy: '2026-03-01T00:00:00.000Z' },
      };
      const answered: CustomerEvent = { type: 'ComplaintAnswered', data: { complaintId: 'Q1', customerId: 'C1', answeredBy: 'rm1', late: true } };
      given([onboarded, complaint]).when(cmd({ type: 'AnswerComplaint', complaintId: 'Q1' })).then([answered]);
      given([onboarded, complaint, answered]).when(cmd({ type: 'AnswerComplaint', complaintId: 'Q1' })).thenRefuses('COMPLAINT_ALREADY_ANSWERED');
    });

    it('refuses a complaint naming an unknown contact', () => {
      given([onboarded]).when(cmd({ type: 'RecordComplaint', complaintId: 'Q1', category: 'too_many_calls', descriptionNote: null, contactId: 'nope', answerWithinDays: 15 })).thenRefuses('UNKNOWN_CONTACT');
    });
  });
});

describe('customer access (DOMAIN.md, who uses it)', () => {
  const assigned = (staffId: string): CustomerEvent => ({ type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId, previousStaffId: null, unitId: 'SB1' } });
  const note = cmd({ type: 'SetConsent', channel: 'sms', granted: false });

  it('lets a relationship manager act on their own customer', () => {
    given([onboarded, assigned('rm1')]).when(note).then([withdrawn('sms')]);
  });

  it("refuses a relationship manager someone else's customer, even in their own unit", () => {
    // Out of reach answers as an unknown customer does: a 403 would tell them the customer exists.
    given([onboarded, assigned('rm2')]).when(note).thenRefuses('UNKNOWN_CUSTOMER', { customerId: 'C1' });
  });

  it("lets a relationship manager serve an unassigned customer of their unit, not of another unit's", () => {
    given([onboarded]).when(note).then([withdrawn('sms')]);
    given([onboarded]).when(cmd({ type: 'SetConsent', channel: 'sms', granted: false }, { by: actor('rm3') })).thenRefuses('UNKNOWN_CUSTOMER', { customerId: 'C1' });
  });

  it('lets a branch head act below their unit only', () => {
    given([onboarded, assigned('rm2')]).when(cmd({ type: 'SetConsent', channel: 'sms', granted: false }, { by: actor('head-br1') })).then([withdrawn('sms')]);
    const sb2: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB2', segment: 'retail', gender: 'F', birthYear: 1980 } };
    given([sb2]).when(cmd({ type: 'SetConsent', channel: 'sms', granted: false }, { by: actor('head-br1') })).thenRefuses('UNKNOWN_CUSTOMER', { customerId: 'C1' });
  });

  it('keeps deciding after VIP card events on the same stream (they leave the customer state alone)', () => {
    const applied = { type: 'VipCardApplied', data: { customerId: 'C1', applicationId: 'A1', tier: 'standard', special: false } } as unknown as CustomerEvent;
    given([onboarded, assigned('rm1'), applied]).when(note).then([withdrawn('sms')]);
  });
});

describe('relationship managers record their own work', () => {
  it('refuses a contact or sale recorded in a colleague’s name, and lets a head book it', () => {
    given([onboarded, consent('phone')]).when(cmd({ type: 'RecordContact', contactId: 'X1', staffId: 'rm2', channel: 'phone', outcomeNote: null, campaign: null })).thenRefuses('NOT_YOUR_RECORD');
    given([onboarded, consent('phone')])
      .when(cmd({ type: 'RecordContact', contactId: 'X1', staffId: 'rm2', channel: 'phone', outcomeNote: null, campaign: null }, { by: actor('head-br1') }))
      .then([{ type: 'CustomerContacted', data: { contactId: 'X1', customerId: 'C1', staffId: 'rm2', channel: 'phone', campaignId: null, outcomeNote: null, contactedAt: at } }]);
  });

  it('lets a relationship manager record a referral they took part in, not one between two others', () => {
    given([onboarded]).when(cmd({ type: 'ReferCrossSell', referralId: 'R1', referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'DEP-1Y' })).then([
      { type: 'CrossSellReferred', data: { referralId: 'R1', customerId: 'C1', referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'DEP-1Y' } },
    ]);
    given([onboarded]).when(cmd({ type: 'ReferCrossSell', referralId: 'R1', referrerStaffId: 'rm2', sellerStaffId: 'rm1b', productCode: 'DEP-1Y' })).thenRefuses('NOT_YOUR_RECORD');
  });
});

describe('referral credit', () => {
  const referred: CustomerEvent = { type: 'CrossSellReferred', data: { referralId: 'R1', customerId: 'C1', referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'DEP-1Y' } };
  const sale = (over: Record<string, unknown>) =>
    cmd({ type: 'RecordConversion', conversionId: 'V1', staffId: 'rm1', product: product('DEP-1Y'), amount: '1000', revenue: '10', campaign: null, referrerStaffId: null, referralId: null, ...over });

  it('credits a referrer only with the referral on file that names them', () => {
    given([onboarded, referred]).when(sale({ referrerStaffId: 'rm2', referralId: 'R1' })).then([
      { type: 'ConversionRecorded', data: { conversionId: 'V1', customerId: 'C1', staffId: 'rm1', productCode: 'DEP-1Y', amount: '1000.00', revenue: '10.00', campaignId: null, referrerStaffId: 'rm2', referralId: 'R1' } },
    ]);
    given([onboarded]).when(sale({ referrerStaffId: 'rm3' })).thenRefuses('REFERRAL_NOT_ON_FILE');
    given([onboarded, referred]).when(sale({ referrerStaffId: 'rm3', referralId: 'R1' })).thenRefuses('REFERRAL_NOT_ON_FILE');
  });

  it('lets a head book sales only for people of their unit and below', () => {
    given([onboarded]).when(sale({ staffId: 'rm3' }).valueOf() as never).thenRefuses('NOT_YOUR_RECORD');
    given([onboarded]).when({ ...(sale({ staffId: 'rm3' }) as object), by: actor('head-br1') } as never).thenRefuses('OUTSIDE_SCOPE');
  });
});
