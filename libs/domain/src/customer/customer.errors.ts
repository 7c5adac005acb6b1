import { illegalState, invalid, notFound, refused } from '../errors';

export const unknownCustomer = (customerId: string) => notFound('UNKNOWN_CUSTOMER', `no customer ${customerId}`, { customerId });
export const customerExists = (customerId: string) => illegalState('ALREADY_EXISTS', `customer ${customerId} already exists`, { customerId });
export const optedOut = (channel: string) =>
  refused('OPTED_OUT', `the customer opted out of contact by ${channel}`, { channel });
export const optedOutOfCampaign = (campaignId: string, channels: readonly string[]) =>
  refused('OPTED_OUT', `the customer opted out of every channel of campaign ${campaignId} (${channels.join(', ')}): it could not reach them`, { campaignId, channels });
export const controlGroupCustomer = (campaignId: string) =>
  refused('CONTROL_GROUP_CUSTOMER', `the customer is in the control group of campaign ${campaignId}: this campaign must not reach them`, { campaignId });
export const inAnotherControlGroup = (campaignIds: readonly string[]) =>
  refused('IN_ANOTHER_CONTROL_GROUP', `the customer is held in the control group of running campaign ${campaignIds.join(', ')}: other campaigns must not reach them`, { campaignIds });
export const notEnrolled = (campaignId: string) =>
  refused('NOT_IN_CAMPAIGN', `the customer is not in the audience of campaign ${campaignId}`, { campaignId });
export const campaignNotRunning = (campaignId: string, status: string) =>
  refused('CAMPAIGN_NOT_RUNNING', `campaign ${campaignId} is ${status}, not launched`, { campaignId, status });
export const campaignPeriodOver = (campaignId: string, end: string) =>
  refused('CAMPAIGN_PERIOD_OVER', `the period of campaign ${campaignId} ended on ${end}`, { campaignId, end });
export const channelNotInCampaign = (campaignId: string, channel: string) =>
  refused('CHANNEL_NOT_IN_CAMPAIGN', `campaign ${campaignId} does not use the ${channel} channel`, { campaignId, channel });
export const productNotInCampaign = (campaignId: string, productCode: string) =>
  refused('PRODUCT_NOT_IN_CAMPAIGN', `campaign ${campaignId} does not offer ${productCode}`, { campaignId, productCode });
export const duplicate = (what: string, id: string) => illegalState('ALREADY_EXISTS', `${what} ${id} already exists`, { [what]: id });
export const badAmount = (field: string, value: string) =>
  invalid('INVALID_AMOUNT', `${field} must be an amount in CNY with at most two decimals`, { [field]: value });
