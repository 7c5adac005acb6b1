import { ORG, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CampaignFacts, CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';

const at = '2026-03-10T10:00:00.000Z';
const base = { customerId: 'C1', org: ORG, at, by: actor('rm1') };
const cmd = (c: Record<string, unknown>, over: Partial<typeof base> = {}) => ({ ...base, ...over, ...c }) as unknown as CustomerCommand;
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);

const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const assigned: CustomerEvent = { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' } };
const enrolled = (group: 'treatment' | 'control'): CustomerEvent => ({ type: 'CustomerEnrolledInCampaign', data: { campaignId: 'K1', customerId: 'C1', group } });
const campaign = (over: Partial<CampaignFacts> = {}): CampaignFacts => ({ campaignId: 'K1', status: 'launched', channels: ['phone'], productCodes: ['DEP-1Y'], periodEnd: '2030-01-01T00:00:00.000Z', includeOtherControlGroups: false, ...over });
const participate = (over: Record<string, unknown> = {}) => cmd({ type: 'RecordCampaignParticipation', campaign: campaign(), how: 'attended', ...over });
const tookPart: CustomerEvent = { type: 'CustomerTookPartInCampaign', data: { campaignId: 'K1', customerId: 'C1', how: 'attended' } };

describe('campaign participation', () => {
  it('DOMAIN Campaigns ("During execution the participant list is kept"; 004 篇九 第三十条 2): records that an enrolled treatment customer took part in a running campaign', () => {
    given([onboarded, assigned, enrolled('treatment')]).when(participate()).then([tookPart]);
  });

  it('DOMAIN Campaigns (participant list): a customer takes part in a campaign once; a second record changes nothing', () => {
    given([onboarded, assigned, enrolled('treatment'), tookPart]).when(participate({ how: 'contacted' })).then([]);
  });

  it('DOMAIN Campaigns (participant list): a customer who accepted the campaign\'s offer has taken part already', () => {
    const offer = { offerId: 'O1', customerId: 'C1', staffId: 'rm1', productCode: 'DEP-1Y', campaignId: 'K1' };
    given([onboarded, assigned, enrolled('treatment'), { type: 'OfferPresented', data: offer }, { type: 'OfferAccepted', data: offer }]).when(participate()).then([]);
    // An offer of another campaign, or one declined, does not make them a participant of K1.
    const other = { ...offer, offerId: 'O2', campaignId: 'K2' };
    given([onboarded, assigned, enrolled('treatment'), { type: 'OfferPresented', data: other }, { type: 'OfferAccepted', data: other }]).when(participate()).then([tookPart]);
    given([onboarded, assigned, enrolled('treatment'), { type: 'OfferPresented', data: offer }, { type: 'OfferDeclined', data: offer }]).when(participate()).then([tookPart]);
  });

  it('DOMAIN Campaigns (control customers are held out): refuses participation of a control customer, of a customer not enrolled, and in a campaign not running', () => {
    given([onboarded, assigned, enrolled('control')]).when(participate()).thenRefuses('CONTROL_GROUP_CUSTOMER');
    given([onboarded, assigned]).when(participate()).thenRefuses('NOT_IN_CAMPAIGN');
    given([onboarded, assigned, enrolled('treatment')]).when(participate({ campaign: campaign({ status: 'completed' }) })).thenRefuses('CAMPAIGN_NOT_RUNNING');
  });

  it('is recorded by someone who serves the customer: another sub-branch\'s manager may not', () => {
    given([onboarded, assigned, enrolled('treatment')]).when(cmd({ type: 'RecordCampaignParticipation', campaign: campaign(), how: 'attended' }, { by: actor('rm3') })).thenRefuses('UNKNOWN_CUSTOMER');
  });

  it('refuses a way of taking part it does not know', () => {
    given([onboarded, assigned, enrolled('treatment')]).when(participate({ how: 'liked' })).thenRefuses('INVALID_PARTICIPATION');
  });
});
