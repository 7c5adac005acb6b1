import { ORG, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent, Group } from './customer.events';

const at = '2026-03-10T10:00:00.000Z';
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);
const enrol = (group: Group, by = actor('mkt-br1'), campaignId = 'K1'): CustomerCommand => ({ type: 'EnrolInCampaign', customerId: 'C1', campaignId, group, org: ORG, at, by });
const enrolled = (group: Group, campaignId = 'K1'): CustomerEvent => ({ type: 'CustomerEnrolledInCampaign', data: { campaignId, customerId: 'C1', group } });

const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const assigned: CustomerEvent = { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' } };
const erased: CustomerEvent = { type: 'CustomerDataErased', data: { customerId: 'C1', reason: 'customer request', erasedBy: 'admin' } };

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

  it('refuses enrolment by a relationship manager, even of their own customer', () => {
    given([onboarded, assigned]).when(enrol('treatment', actor('rm1'))).thenRefuses('ROLE_NOT_ALLOWED');
  });

  it('refuses an unknown customer', () => {
    given([]).when(enrol('treatment')).thenRefuses('UNKNOWN_CUSTOMER');
  });
});
