import type { Issued, RiskLevel, Role } from '../shared/types';
import type { ContactPolicy, OrgLevel, TierThresholds } from './organisation.events';

export type OrganisationCommand = Issued &
  (
    | { type: 'OpenOrgUnit'; unitId: string; name: string; level: OrgLevel; parentId: string | null; wealthCentre?: boolean }
    | { type: 'RegisterStaffMember'; staffId: string; displayName: string; role: Role; unitId: string }
    | { type: 'MoveStaffMember'; staffId: string; toUnitId: string }
    | { type: 'ChangeStaffRole'; staffId: string; role: Role }
    | { type: 'DeactivateStaffMember'; staffId: string }
    | { type: 'RevokeStaffTokens'; staffId: string }
    | {
        type: 'DefineProduct';
        productCode: string;
        name: string;
        category: string;
        riskLevel: RiskLevel;
        riskBearing: boolean;
        weight: string;
      }
    | { type: 'UpdateProduct'; productCode: string; riskLevel?: RiskLevel; riskBearing?: boolean; weight?: string }
    | { type: 'SetTierThresholds'; unitId: string; thresholds: TierThresholds }
    | { type: 'SetContactPolicy'; unitId: string; policy: ContactPolicy }
    | { type: 'SetTarget'; subjectId: string; period: string; points: string }
    /** Changes the named scoring rules; the others stay as in force. */
    | { type: 'SetScoringRules'; referralShare?: number; complaintPenalty?: number; unsuitablePenalty?: number }
    /** Head office closes a business month once it is over: no new fact is dated in it (but an admin's recorded correction). */
    | { type: 'CloseBusinessMonth'; month: string }
  );
