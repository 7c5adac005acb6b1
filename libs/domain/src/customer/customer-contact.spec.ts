import type { Channel } from '../shared/types';
import { ORG, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent, Group } from './customer.events';

const at = '2026-03-10T10:00:00.000Z';
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);
type Enrolment = { ownerUnitId: string; channels: Channel[]; includeOtherControlGroups: boolean; controlGroupsInForce: string[] };
const enrol = (group: Group, by = actor('mkt-br1'), campaignId = 'K1', over: Partial<Enrolment> = {}): CustomerCommand => ({
  type: 'EnrolInCampaign',
  customerId: 'C1',
  campaignId,
  ownerUnitId: 'BR1',
  group,
  channels: ['phone', 'sms'],
  includeOtherControlGroups: false,
  controlGroupsInForce: [],
  ...over,
  org: ORG,
  at,
  by,
}) as CustomerCommand;
const enrolled = (group: Group, campaignId = 'K1'): CustomerEvent => ({ type: 'CustomerEnrolledInCampaign', data: { campaignId, customerId: 'C1', group } });

const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const assigned: CustomerEvent = { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' } };
const erased: CustomerEvent = { type: 'CustomerDataErased', data: { customerId: 'C1', reasonCode: 'customer_request', requestRef: null, erasedBy: 'admin' } };
const optedOut = (channel: Channel): CustomerEvent => ({ type: 'ConsentWithdrawn', data: { customerId: 'C1', channel } });
const optedIn = (channel: Channel): CustomerEvent => ({ type: 'ConsentGranted', data: { customerId: 'C1', channel } });
const setConsent = (channel: Channel, granted: boolean): CustomerCommand => ({ type: 'SetConsent', customerId: 'C1', channel, granted, org: ORG, at, by: actor('rm1') });
const contact = (channel: Channel, campaign: null | { campaignId: string; channels: Channel[] } = null): CustomerCommand =>
  ({
    type: 'RecordContact',
    customerId: 'C1',
    contactId: 'X1',
    staffId: 'rm1',
    channel,
    outcomeNote: null,
    campaign: campaign && { ...campaign, status: 'launched', productCodes: ['DEP-1Y'], periodEnd: '2027-01-01T00:00:00.000Z', includeOtherControlGroups: false },
    controlGroupsInForce: [],
    org: ORG,
    at,
    by: actor('rm1'),
  }) as CustomerCommand;
const contacted = (channel: Channel, campaignId: string | null = null): CustomerEvent => ({
  type: 'CustomerContacted',
  data: { contactId: 'X1', customerId: 'C1', staffId: 'rm1', channel, campaignId, outcomeNote: null, contactedAt: at },
});

describe('enrolment in a campaign', () => {
  it('enrols a customer in the treatment group', () => {
    given([onboarded, assigned]).when(enrol('treatment')).then([enrolled('treatment')]);
  });

  it('enrols a customer in the control group', () => {
    given([onboarded, assigned]).when(enrol('control')).then([enrolled('control')]);
  });

  it('lets an admin enrol too', () => {
    given([onboarded]).when(enrol('treatment', actor('admin'))).then([enrolled('treatment')]);
  });

  it('appends nothing when the customer is already in that campaign, whatever the group asked', () => {
    given([onboarded, enrolled('treatment')]).when(enrol('treatment')).then([]);
    given([onboarded, enrolled('treatment')]).when(enrol('control')).then([]);
  });

  it('enrols a customer already in another campaign', () => {
    given([onboarded, enrolled('control', 'K0')]).when(enrol('treatment')).then([enrolled('treatment')]);
  });

  it('refuses a customer whose data was erased', () => {
    given([onboarded, erased]).when(enrol('treatment')).thenRefuses('DATA_ERASED');
  });

  it('refuses a customer held outside the campaign\'s unit (moved since the audience was read): 422, so the launch counts them as excluded', () => {
    given([onboarded]).when(enrol('treatment', actor('admin'), 'K1', { ownerUnitId: 'BR2' })).thenRefuses('OUTSIDE_CAMPAIGN_UNIT');
  });

  it('refuses a marketer enrolling for a campaign unit outside their own', () => {
    given([onboarded]).when(enrol('treatment', actor('mkt-sb1'), 'K1', { ownerUnitId: 'BR1' })).thenRefuses('OUTSIDE_SCOPE');
  });

  it('refuses enrolment by a relationship manager, even of their own customer', () => {
    given([onboarded, assigned]).when(enrol('treatment', actor('rm1'))).thenRefuses('ROLE_NOT_ALLOWED');
  });

  it('refuses an unknown customer', () => {
    given([]).when(enrol('treatment')).thenRefuses('UNKNOWN_CUSTOMER');
  });
});

describe('consent is opt-out (DOMAIN.md, Privacy: "Contact only customers who have not opted out of the channel"; 001 服务准则 1)', () => {
  it('records a maintenance call to a customer who never opted out, with no consent on file', () => {
    given([onboarded, assigned]).when(contact('phone')).then([contacted('phone')]);
  });

  it('records a branch visit to a customer who never opted out, with no consent on file', () => {
    given([onboarded, assigned]).when(contact('branch')).then([contacted('branch')]);
  });

  it('records a campaign contact to a treatment customer who never opted out of the channel', () => {
    given([onboarded, assigned, enrolled('treatment')]).when(contact('sms', { campaignId: 'K1', channels: ['phone', 'sms'] })).then([contacted('sms', 'K1')]);
  });

  it('refuses a contact on a channel the customer opted out of (OPTED_OUT)', () => {
    given([onboarded, assigned, optedOut('phone')]).when(contact('phone')).thenRefuses('OPTED_OUT', { channel: 'phone' });
  });

  it('lets a customer who opted out of a channel opt back in, and be contacted on it again', () => {
    given([onboarded, assigned, optedOut('phone'), optedIn('phone')]).when(contact('phone')).then([contacted('phone')]);
  });

  it('records an opt-out, and an opt-in only to undo one; a repeat appends nothing', () => {
    given([onboarded, assigned]).when(setConsent('sms', false)).then([optedOut('sms')]);
    given([onboarded, assigned, optedOut('sms')]).when(setConsent('sms', false)).then([]);
    given([onboarded, assigned, optedOut('sms')]).when(setConsent('sms', true)).then([optedIn('sms')]);
    given([onboarded, assigned]).when(setConsent('sms', true)).then([]);
  });

  it('refuses enrolling a customer opted out of every channel of the campaign (OPTED_OUT)', () => {
    given([onboarded, optedOut('phone'), optedOut('sms')]).when(enrol('treatment')).thenRefuses('OPTED_OUT', { campaignId: 'K1', channels: ['phone', 'sms'] });
  });

  it('refuses enrolling them in the control group too: a control group is drawn from customers the campaign could reach', () => {
    given([onboarded, optedOut('phone'), optedOut('sms')]).when(enrol('control')).thenRefuses('OPTED_OUT');
  });

  it('enrols a customer opted out of only some of the campaign\'s channels', () => {
    given([onboarded, optedOut('phone')]).when(enrol('treatment')).then([enrolled('treatment')]);
  });

  it('enrols a customer opted out only of channels the campaign does not use', () => {
    given([onboarded, optedOut('email'), optedOut('app')]).when(enrol('treatment')).then([enrolled('treatment')]);
  });
});

describe('a running campaign\'s control group is kept out of other campaigns (DOMAIN.md, Campaigns: "A running campaign\'s control customers are kept out of other campaigns\' audiences and contacts … unless another campaign\'s owner explicitly includes them")', () => {
  it('refuses enrolling in K2 a customer held in the control group of K1, which still runs (IN_ANOTHER_CONTROL_GROUP)', () => {
    given([onboarded, enrolled('control', 'K1')]).when(enrol('treatment', actor('mkt-br1'), 'K2', { controlGroupsInForce: ['K1'] })).thenRefuses('IN_ANOTHER_CONTROL_GROUP', { campaignIds: ['K1'] });
  });

  it('refuses them for K2\'s control group as well', () => {
    given([onboarded, enrolled('control', 'K1')]).when(enrol('control', actor('mkt-br1'), 'K2', { controlGroupsInForce: ['K1'] })).thenRefuses('IN_ANOTHER_CONTROL_GROUP');
  });

  it('enrols them in K2 once K1 no longer runs (completed, cancelled or past its period)', () => {
    given([onboarded, enrolled('control', 'K1')]).when(enrol('treatment', actor('mkt-br1'), 'K2', { controlGroupsInForce: [] })).then([enrolled('treatment', 'K2')]);
  });

  it('enrols them in K2 when K2\'s owner explicitly included other campaigns\' control groups', () => {
    given([onboarded, enrolled('control', 'K1')])
      .when(enrol('treatment', actor('mkt-br1'), 'K2', { controlGroupsInForce: ['K1'], includeOtherControlGroups: true }))
      .then([enrolled('treatment', 'K2')]);
  });

  it('enrols in K2 a customer in K1\'s treatment group: only control groups are held out', () => {
    given([onboarded, enrolled('treatment', 'K1')]).when(enrol('treatment', actor('mkt-br1'), 'K2', { controlGroupsInForce: ['K1'] })).then([enrolled('treatment', 'K2')]);
  });
});
