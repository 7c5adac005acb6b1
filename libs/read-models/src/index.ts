/** Projections, their tables and queries (the read side). */
export * from './runner/projection';
export * from './runner/projection-runner';
export * from './runner/batches';
export { Projections1764000001000 } from './runner/1764000001000-projections.migration';
export * from './customer-directory/customer-directory.projection';
export * from './customer-directory/customer-directory.query';
export { CustomerDirectory1764000002000 } from './customer-directory/1764000002000-customer-directory.migration';

export * from './campaign-effectiveness/campaign-effectiveness.projection';
export * from './campaign-effectiveness/campaign-effectiveness.query';
export { CampaignEffectiveness1764000004000 } from './campaign-effectiveness/1764000004000-campaign-effectiveness.migration';
export * from './runner/lag';
export * from './staff-scorecard/staff-scorecard.projection';
export * from './staff-scorecard/staff-scorecard.query';
export { StaffScorecard1764000005000 } from './staff-scorecard/1764000005000-staff-scorecard.migration';

import { campaignEffectivenessProjection } from './campaign-effectiveness/campaign-effectiveness.projection';
import { customerDirectoryProjection } from './customer-directory/customer-directory.projection';
import { staffScorecardProjection } from './staff-scorecard/staff-scorecard.projection';
/** Every projection the projector runs. */
export const PROJECTIONS = [customerDirectoryProjection, campaignEffectivenessProjection, staffScorecardProjection];
export * from './runner/read-model-position';
