import type { ScoringRules } from '../scorecard/scoring';
import type { RiskLevel, Role } from '../shared/types';

/** Levels of the org tree, top to bottom (004 篇九 第九条). */
export const ORG_LEVELS = ['head_office', 'branch', 'sub_branch_1', 'sub_branch_2', 'outlet'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

export interface TierThresholds {
  /** Minimum 3-month average daily assets, as decimal CNY strings. */
  readonly standard: string;
  readonly platinum: string;
  readonly black: string;
}

export interface ContactPolicy {
  /** Campaign contacts a customer may receive in any 30 days. */
  readonly maxCampaignContactsPer30Days: number;
  /** Contacts one campaign may make to one customer in any 7 days. */
  readonly maxContactsPerCampaignPer7Days: number;
}

export type OrganisationEvent =
  | { type: 'OrgUnitOpened'; data: { unitId: string; name: string; level: OrgLevel; parentId: string | null; wealthCentre: boolean } }
  | { type: 'StaffMemberRegistered'; data: { staffId: string; displayName: string; role: Role; unitId: string } }
  | { type: 'StaffMemberMoved'; data: { staffId: string; fromUnitId: string; toUnitId: string } }
  | { type: 'StaffRoleChanged'; data: { staffId: string; from: Role; to: Role } }
  /** The person left or is suspended: no token of theirs is accepted any more. */
  | { type: 'StaffMemberDeactivated'; data: { staffId: string } }
  /** Tokens issued to the person before `before` are no longer accepted (a lost laptop, a leak). */
  | { type: 'StaffTokensRevoked'; data: { staffId: string; before: string } }
  | {
      type: 'ProductDefined';
      data: { productCode: string; name: string; category: string; riskLevel: RiskLevel; riskBearing: boolean; weight: string };
    }
  | { type: 'ProductUpdated'; data: { productCode: string; riskLevel: RiskLevel; riskBearing: boolean; weight: string } }
  | { type: 'TierThresholdsSet'; data: { unitId: string; thresholds: TierThresholds } }
  | { type: 'ContactPolicySet'; data: { unitId: string; policy: ContactPolicy } }
  /** A scorecard target: points for a person or a unit in a month. */
  | { type: 'TargetSet'; data: { subjectId: string; subject: 'staff' | 'unit'; period: string; points: string } }
  /** The bank's scoring rules from now on (referral split, complaint and mis-selling penalties), all of them as in force. */
  | { type: 'ScoringRulesSet'; data: { rules: ScoringRules } }
  /** A business month (YYYY-MM in the bank's calendar) closed by head office. */
  | { type: 'BusinessMonthClosed'; data: { month: string; closedBy: string } };
