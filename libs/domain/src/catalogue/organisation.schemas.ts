import { z } from 'zod';
import { ORG_LEVELS } from '../organisation/organisation.events';
import { count, decimal, id, month, riskLevel, role, text, time } from './fields';

/** The organisation's stream, version 1 of each event. */
export const ORGANISATION_EVENT_SCHEMAS = {
  OrgUnitOpened: z.strictObject({ unitId: id, name: text, level: z.enum(ORG_LEVELS), parentId: id.nullable(), wealthCentre: z.boolean() }),
  StaffMemberRegistered: z.strictObject({ staffId: id, displayName: text, role, unitId: id }),
  StaffMemberMoved: z.strictObject({ staffId: id, fromUnitId: id, toUnitId: id }),
  StaffRoleChanged: z.strictObject({ staffId: id, from: role, to: role }),
  StaffMemberDeactivated: z.strictObject({ staffId: id }),
  StaffTokensRevoked: z.strictObject({ staffId: id, before: time }),
  BusinessMonthClosed: z.strictObject({ month, closedBy: id }),
  ProductDefined: z.strictObject({ productCode: id, name: text, category: text, riskLevel, riskBearing: z.boolean(), weight: decimal }),
  ProductUpdated: z.strictObject({ productCode: id, riskLevel, riskBearing: z.boolean(), weight: decimal }),
  TierThresholdsSet: z.strictObject({ unitId: id, thresholds: z.strictObject({ standard: decimal, platinum: decimal, black: decimal }) }),
  ContactPolicySet: z.strictObject({ unitId: id, policy: z.strictObject({ maxCampaignContactsPer30Days: count, maxContactsPerCampaignPer7Days: count }) }),
  TargetSet: z.strictObject({ subjectId: id, subject: z.enum(['staff', 'unit']), period: month, points: decimal }),
  ScoringRulesSet: z.strictObject({ rules: z.strictObject({ referralShare: z.number().min(0).max(1), complaintPenalty: z.number().min(0), unsuitablePenalty: z.number().min(0) }) }),
} as const;

/** The demo seed's run record (its own stream), version 1. */
export const DEMO_SEED_EVENT_SCHEMAS = {
  DemoSeedStarted: z.strictObject({ seed: z.number().int(), customers: count, months: count, end: month }),
  DemoSeedCompleted: z.strictObject({ seed: z.number().int() }),
} as const;
