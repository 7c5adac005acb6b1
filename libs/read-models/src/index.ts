/** Projections, their tables and queries (the read side). */
export * from './runner/projection';
export * from './runner/projection-runner';
export * from './runner/batches';
export { effectTimings } from './runner/effects';
export { Projections1764000001000 } from './runner/1764000001000-projections.migration';
export { ProjectionTimeZone1764000019850 } from './runner/1764000019850-projection-time-zone.migration';
export * from './customer-directory/customer-directory.projection';
export * from './customer-directory/customer-directory.query';

export * from './campaign-effectiveness/campaign-effectiveness.projection';
export { countingTriggers } from './campaign-effectiveness/campaign-effectiveness.counters';
export * from './campaign-effectiveness/campaign-effectiveness.query';
export * from './campaign-effectiveness/campaign-totals.query';
export * from './campaign-effectiveness/baseline.query';
export * from './campaign-effectiveness/follow-up.query';
export * from './runner/lag';
export * from './staff-scorecard/staff-scorecard.projection';
export * from './staff-scorecard/staff-scorecard.query';
export * from './staff-scorecard/staff-scorecard.recount';
export * from './staff-scorecard/staff-scorecard.roll-up';

export * from './runner/sql';
export * from './customer-360/customer-360.projection';
export * from './customer-360/customer-360.query';
export * from './points-ledger/points-ledger.projection';
export * from './points-ledger/points-ledger.query';
export * from './budget-usage/budget-usage.projection';
export * from './budget-usage/budget-usage.query';
export * from './supervision/supervision.projection';
export * from './supervision/supervision.query';

export * from './cross-selling/cross-selling.projection';
export * from './cross-selling/cross-selling.query';
export * from './approval-inbox/approval-inbox.projection';
export * from './approval-inbox/approval-inbox.query';
export * from './notifications/notifications.projection';
export * from './notifications/notifications.query';

import { crossSellingProjection } from './cross-selling/cross-selling.projection';
import { approvalInboxProjection } from './approval-inbox/approval-inbox.projection';
import { budgetUsageProjection } from './budget-usage/budget-usage.projection';
import { customer360Projection } from './customer-360/customer-360.projection';
import { pointsLedgerProjection } from './points-ledger/points-ledger.projection';
import { supervisionProjection } from './supervision/supervision.projection';
import { campaignEffectivenessProjection } from './campaign-effectiveness/campaign-effectiveness.projection';
import { customerDirectoryProjection } from './customer-directory/customer-directory.projection';
import { staffScorecardProjection } from './staff-scorecard/staff-scorecard.projection';
import { periodCorrectionsProjection } from './period-corrections/period-corrections.projection';
import { notificationsProjection } from './notifications/notifications.projection';
export * from './period-corrections/period-corrections.projection';
/** Every projection the projector runs. */
export const PROJECTIONS = [
  customerDirectoryProjection,
  campaignEffectivenessProjection,
  staffScorecardProjection,
  customer360Projection,
  pointsLedgerProjection,
  budgetUsageProjection,
  supervisionProjection,
  crossSellingProjection,
  approvalInboxProjection,
  periodCorrectionsProjection,
  notificationsProjection,
];
export * from './runner/read-model-position';
export * from './as-of/scratch';
export * from './analysis/campaign-kpis';
export * from './analysis/rule-set';
export * from './analysis/what-if';
export * from './analysis/scorecard-as-of';
