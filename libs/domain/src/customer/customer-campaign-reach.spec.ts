import { ORG, actor, product } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CampaignFacts, CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent, Group } from './customer.events';

/** What a campaign-tagged contact, offer or sale may reach: the campaign's period, and other campaigns' control groups. */
const at = '2026-03-10T10:00:00.000Z';
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);

const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const assessed: CustomerEvent = { type: 'RiskProfileAssessed', data: { customerId: 'C1', tolerance: 'R3', assessedAt: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' } };
const enrolled = (campaignId: string, group: Group): CustomerEvent => ({ type: 'CustomerEnrolledInCampaign', data: { campaignId, customerId: 'C1', group } });

const k2 = (over: Partial<CampaignFacts> = {}): CampaignFacts => ({
  campaignId: 'K2',
  status: 'launched',
  channels: ['phone'],
  productCodes: ['FUND-BOND'],
  periodEnd: '2026-06-01T00:00:00.000Z',
  includeOtherControlGroups: false,
  ...over,
});
type Over = { campaign?: CampaignFacts; controlGroupsInForce?: string[]; at?: string };
const base = (o: Over) => ({ customerId: 'C1', org: ORG, by: actor('rm1'), at: o.at ?? at, staffId: 'rm1', campaign: o.campaign ?? k2(), controlGroupsInForce: o.controlGroupsInForce ?? [] });
const contact = (o: Over = {}) => ({ type: 'RecordContact', contactId: 'X1', channel: 'phone', outcomeNote: null, ...base(o) }) as CustomerCommand;
const offer = (o: Over = {}) => ({ type: 'PresentOffer', offerId: 'O1', product: product('FUND-BOND'), ...base(o) }) as CustomerCommand;
const sale = (o: Over = {}) =>
  ({ type: 'RecordConversion', conversionId: 'V1', product: product('FUND-BOND'), amount: '1000', revenue: '10', referrerStaffId: null, referralId: null, ...base(o) }) as CustomerCommand;

const inK2 = [onboarded, assessed, enrolled('K2', 'treatment')];
const heldByK1 = [onboarded, assessed, enrolled('K1', 'control'), enrolled('K2', 'treatment')];

describe('the campaign period is enforced (DOMAIN.md, Campaigns: "A campaign has: objective, products, channel(s), audience rule, budget, period")', () => {
  const after = '2026-06-01T00:00:00.000Z';

  it('refuses a campaign contact once the campaign period is over (CAMPAIGN_PERIOD_OVER)', () => {
    given(inK2).when(contact({ at: after })).thenRefuses('CAMPAIGN_PERIOD_OVER', { campaignId: 'K2', end: '2026-06-01T00:00:00.000Z' });
  });

  it('refuses a campaign offer once the campaign period is over (CAMPAIGN_PERIOD_OVER)', () => {
    given(inK2).when(offer({ at: after })).thenRefuses('CAMPAIGN_PERIOD_OVER');
  });

  it('refuses a campaign sale once the campaign period is over (CAMPAIGN_PERIOD_OVER)', () => {
    given(inK2).when(sale({ at: after })).thenRefuses('CAMPAIGN_PERIOD_OVER');
  });

  it('records a campaign contact on the last moment of the period', () => {
    given(inK2).when(contact({ at: '2026-05-31T23:59:59.999Z' })).thenMatches([{ type: 'CustomerContacted', data: { campaignId: 'K2' } }]);
  });

  it('records the same sale after the period when it is not tagged for the campaign', () => {
    given(inK2).when({ ...sale({ at: after }), campaign: null } as CustomerCommand).thenMatches([{ type: 'ConversionRecorded', data: { campaignId: null } }]);
  });
});

describe('a running campaign\'s control customers are not reached by another campaign (DOMAIN.md, Campaigns: "A running campaign\'s control customers are kept out of other campaigns\' audiences and contacts … unless another campaign\'s owner explicitly includes them")', () => {
  it('refuses a contact for K2 to a customer in the control group of K1, which still runs (IN_ANOTHER_CONTROL_GROUP)', () => {
    given(heldByK1).when(contact({ controlGroupsInForce: ['K1'] })).thenRefuses('IN_ANOTHER_CONTROL_GROUP', { campaignIds: ['K1'] });
  });

  it('refuses an offer for K2 to that customer (IN_ANOTHER_CONTROL_GROUP)', () => {
    given(heldByK1).when(offer({ controlGroupsInForce: ['K1'] })).thenRefuses('IN_ANOTHER_CONTROL_GROUP');
  });

  it('refuses a sale credited to K2 for that customer (IN_ANOTHER_CONTROL_GROUP)', () => {
    given(heldByK1).when(sale({ controlGroupsInForce: ['K1'] })).thenRefuses('IN_ANOTHER_CONTROL_GROUP');
  });

  it('reaches them for K2 once K1 no longer runs', () => {
    given(heldByK1).when(contact({ controlGroupsInForce: [] })).thenMatches([{ type: 'CustomerContacted', data: { campaignId: 'K2' } }]);
  });

  it('reaches them for K2 when K2\'s owner explicitly included other campaigns\' control groups', () => {
    given(heldByK1).when(offer({ controlGroupsInForce: ['K1'], campaign: k2({ includeOtherControlGroups: true }) })).thenMatches([{ type: 'OfferPresented', data: { campaignId: 'K2' } }]);
  });

  it('ignores a campaign named in force that does not hold the customer in its control group', () => {
    given([onboarded, assessed, enrolled('K1', 'treatment'), enrolled('K2', 'treatment')]).when(contact({ controlGroupsInForce: ['K1'] })).thenMatches([{ type: 'CustomerContacted' }]);
  });

  it('still lets the customer be served outside any campaign (a maintenance call, an ordinary sale)', () => {
    given(heldByK1).when({ ...contact({ controlGroupsInForce: ['K1'] }), campaign: null } as CustomerCommand).thenMatches([{ type: 'CustomerContacted', data: { campaignId: null } }]);
  });
});
