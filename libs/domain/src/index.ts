export * from './decider';
export * from './errors';
export * from './shared';
export * from './organisation/organisation.events';
export * from './organisation/organisation.commands';
export * from './organisation/organisation.state';
export { organisationDecider, ORGANISATION_STREAM, requireRole } from './organisation/organisation.decider';
export * from './customer/customer.events';
export * from './customer/customer.commands';
export * from './customer/customer.state';
export * from './customer/customer.rules';
export * from './customer/customer.stream';
export * from './customer/complaint-categories';
export * from './customer/erasure-reasons';
export { customerDecider, customerStream } from './customer/customer.decider';
export { PARTICIPATION_KINDS } from './customer/customer-participation';
export { claimDecidingUnit } from './customer/customer-claims';
export { transferDecidingUnit } from './customer/customer-transfer-requests';
export { transferCandidates } from './customer/customer-relationship';
export * from './campaign/campaign.events';
export * from './campaign/campaign.commands';
export * from './campaign/campaign.split';
export * from './campaign/audience';
export * from './campaign/follow-up';
export { campaignDecider, campaignStream, closeTime, periodBound, plannedCampaign, type CampaignState } from './campaign/campaign.decider';
export { requirePlanAttachable, requirePlanReadable } from './campaign/plan-document';
export { budgetDecider, budgetStream, remaining, type BudgetCommand, type BudgetEvent, type BudgetState } from './budget/budget.decider';
export {
  vipCardDecider,
  vipCardRegistryStream,
  registryEventsFor,
  evolveQuota,
  SPECIAL_CARD_SHARE,
  REVIEW_FEE,
  type VipCardCommand,
  type VipCardEvent,
  type VipCardRegistryEvent,
  type VipCardState,
  type CardQuota,
} from './card/vip-card.decider';
export { pointsDecider, pointsStream, balance as pointsBalance, type PointsCommand, type PointsEvent, type PointsState } from './points/points.decider';
export * from './upcasters';
export * from './catalogue';
export * from './scorecard/scoring';
export * from './access/access';
export * from './periods/business-time';
export * from './periods/correction-reasons';
export * from './attribution/attribution';
export * from './statistics/two-groups';
export * from './statistics/detectable-lift';
export * from './demo/demo-seed.events';
