import { fold } from '../decider';
import { customerDecider } from '../customer/customer.decider';
import type { CustomerCommand } from '../customer/customer.commands';
import type { CustomerEvent } from '../customer/customer.events';
import { ORG_EVENTS, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { Actor } from '../shared/types';
import type { OrganisationEvent, OrgLevel } from './organisation.events';
import { organisationDecider } from './organisation.decider';

const admin: Actor = { userId: 'admin-1', unitId: 'HO', role: 'admin' };
const at = '2026-01-05T09:00:00.000Z';
const opened = (unitId: string, level: OrgLevel, parentId: string | null): OrganisationEvent => ({
  type: 'OrgUnitOpened',
  data: { unitId, name: unitId, level, parentId, wealthCentre: false },
});
const tree: OrganisationEvent[] = [opened('HO', 'head_office', null), opened('BR1', 'branch', 'HO'), opened('SB1', 'sub_branch_1', 'BR1')];
const given = (history: OrganisationEvent[]) => spec(organisationDecider).given(history);

describe('organisation', () => {
  describe('the org tree', () => {
    it('opens the head office as the root', () => {
      given([])
        .when({ type: 'OpenOrgUnit', unitId: 'HO', name: 'Head office', level: 'head_office', parentId: null, at, by: admin })
        .then([{ type: 'OrgUnitOpened', data: { unitId: 'HO', name: 'Head office', level: 'head_office', parentId: null, wealthCentre: false } }]);
    });

    it('refuses a second head office', () => {
      given(tree).when({ type: 'OpenOrgUnit', unitId: 'HO2', name: 'x', level: 'head_office', parentId: null, at, by: admin }).thenRefuses('ALREADY_EXISTS');
    });

    it('refuses a unit under an unknown parent', () => {
      given(tree).when({ type: 'OpenOrgUnit', unitId: 'X', name: 'x', level: 'outlet', parentId: 'NOPE', at, by: admin }).thenRefuses('UNKNOWN_UNIT');
    });

    it('refuses a unit that is not deeper than its parent', () => {
      given(tree).when({ type: 'OpenOrgUnit', unitId: 'X', name: 'x', level: 'branch', parentId: 'SB1', at, by: admin }).thenRefuses('INVALID_ORG_LEVEL');
    });

    it('lets only admins change the organisation', () => {
      given(tree)
        .when({ type: 'OpenOrgUnit', unitId: 'X', name: 'x', level: 'outlet', parentId: 'SB1', at, by: { ...admin, role: 'marketer' } })
        .thenRefuses('ROLE_NOT_ALLOWED');
    });
  });

  describe('staff', () => {
    it('registers a staff member in a known unit', () => {
      given(tree)
        .when({ type: 'RegisterStaffMember', staffId: 'S1', displayName: 'RM Wang', role: 'relationship_manager', unitId: 'SB1', at, by: admin })
        .then([{ type: 'StaffMemberRegistered', data: { staffId: 'S1', displayName: 'RM Wang', role: 'relationship_manager', unitId: 'SB1' } }]);
    });

    it('moves a staff member, and does nothing when already there', () => {
      const registered: OrganisationEvent = { type: 'StaffMemberRegistered', data: { staffId: 'S1', displayName: 'x', role: 'relationship_manager', unitId: 'SB1' } };
      given([...tree, registered])
        .when({ type: 'MoveStaffMember', staffId: 'S1', toUnitId: 'BR1', at, by: admin })
        .then([{ type: 'StaffMemberMoved', data: { staffId: 'S1', fromUnitId: 'SB1', toUnitId: 'BR1' } }]);
      given([...tree, registered]).when({ type: 'MoveStaffMember', staffId: 'S1', toUnitId: 'SB1', at, by: admin }).then([]);
    });

    it('never leaves the bank without an active admin: the last one cannot give up the role, one of two can', () => {
      const adminReg = (staffId: string): OrganisationEvent => ({ type: 'StaffMemberRegistered', data: { staffId, displayName: staffId, role: 'admin', unitId: 'HO' } });
      const demote = { type: 'ChangeStaffRole', staffId: 'admin-1', role: 'analyst', at, by: admin } as const;
      given([...tree, adminReg('admin-1')]).when(demote).thenRefuses('LAST_ADMIN');
      // A second admin who was deactivated does not count.
      given([...tree, adminReg('admin-1'), adminReg('admin-2'), { type: 'StaffMemberDeactivated', data: { staffId: 'admin-2' } }]).when(demote).thenRefuses('LAST_ADMIN');
      given([...tree, adminReg('admin-1'), adminReg('admin-2')]).when(demote).then([{ type: 'StaffRoleChanged', data: { staffId: 'admin-1', from: 'admin', to: 'analyst' } }]);
    });
  });

  describe('products', () => {
    it('defines a product with its risk level and weight, normalising the amount', () => {
      given(tree)
        .when({ type: 'DefineProduct', productCode: 'FUND-BOND', name: 'Bond fund', category: 'fund', riskLevel: 'R2', riskBearing: true, weight: '1.5', at, by: admin })
        .then([{ type: 'ProductDefined', data: { productCode: 'FUND-BOND', name: 'Bond fund', category: 'fund', riskLevel: 'R2', riskBearing: true, weight: '1.50' } }]);
    });

    it('refuses a negative weight', () => {
      given(tree)
        .when({ type: 'DefineProduct', productCode: 'P', name: 'P', category: 'x', riskLevel: 'R1', riskBearing: false, weight: '-1', at, by: admin })
        .thenRefuses('INVALID_AMOUNT');
    });
  });

  describe('tier thresholds (branches may raise, never lower)', () => {
    it('lets a branch raise the thresholds', () => {
      given(tree)
        .when({ type: 'SetTierThresholds', unitId: 'BR1', thresholds: { standard: '300000', platinum: '1500000', black: '6000000' }, at, by: admin })
        .then([{ type: 'TierThresholdsSet', data: { unitId: 'BR1', thresholds: { standard: '300000.00', platinum: '1500000.00', black: '6000000.00' } } }]);
    });

    it('refuses a branch threshold below the head-office minimum', () => {
      given(tree)
        .when({ type: 'SetTierThresholds', unitId: 'BR1', thresholds: { standard: '100000', platinum: '1500000', black: '6000000' }, at, by: admin })
        .thenRefuses('THRESHOLD_BELOW_MINIMUM', { below: ['standard'] });
    });

    it('refuses thresholds that do not rise', () => {
      given(tree)
        .when({ type: 'SetTierThresholds', unitId: 'HO', thresholds: { standard: '300000', platinum: '200000', black: '6000000' }, at, by: admin })
        .thenRefuses('INVALID_THRESHOLDS');
    });

    describe('after head office raises its minimum', () => {
      const set = (unitId: string, standard: string, platinum: string, black: string): OrganisationEvent => ({ type: 'TierThresholdsSet', data: { unitId, thresholds: { standard, platinum, black } } });
      // BR1 raised standard to 250,000 and platinum to 2,000,000 over the defaults; head office then raised its minimum to 300,000 / 1,600,000.
      const org = fold(organisationDecider, [...ORG_EVENTS, set('BR1', '250000.00', '2000000.00', '6500000.00'), set('HO', '300000.00', '1600000.00', '6000000.00')]);
      const snapshot = (month: string, averageDailyAssets: string): CustomerEvent => ({ type: 'BalanceSnapshotRecorded', data: { customerId: 'C1', month, averageDailyAssets, holdings: [] } });
      const history: CustomerEvent[] = [
        { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } },
        snapshot('2026-01', '280000.00'),
        snapshot('2026-02', '280000.00'),
      ];
      const record = (averageDailyAssets: string) =>
        ({ type: 'RecordBalanceSnapshot', customerId: 'C1', month: '2026-03', averageDailyAssets, holdings: [], org, at, by: actor('admin') }) as unknown as CustomerCommand;

      it('DOMAIN Customer tiers (branches may raise, never lower): a branch threshold left below the new minimum no longer holds: the customer tiers against max(branch, head office)', () => {
        // 280,000 clears BR1's 250,000 but not head office's 300,000: still ordinary.
        spec(customerDecider).given(history).when(record('280000')).then([snapshot('2026-03', '280000.00')]);
      });

      it('DOMAIN Customer tiers (branches may raise, never lower): each threshold is the higher of the branch\'s and head office\'s, and the tier change records those figures', () => {
        // (280,000 + 280,000 + 370,000) / 3 = 310,000 ≥ 300,000
        spec(customerDecider)
          .given(history)
          .when(record('370000'))
          .thenMatches([{ type: 'BalanceSnapshotRecorded' }, { type: 'CustomerTierChanged', data: { to: 'standard', thresholds: { standard: '300000.00', platinum: '2000000.00', black: '6500000.00' } } }]);
      });
    });

    it('refuses thresholds on a sub-branch', () => {
      given(tree)
        .when({ type: 'SetTierThresholds', unitId: 'SB1', thresholds: { standard: '300000', platinum: '1500000', black: '6000000' }, at, by: admin })
        .thenRefuses('INVALID_ORG_LEVEL');
    });
  });

  describe('targets', () => {
    const registered: OrganisationEvent = { type: 'StaffMemberRegistered', data: { staffId: 'S1', displayName: 'x', role: 'relationship_manager', unitId: 'SB1' } };
    const head: Actor = { userId: 'h', unitId: 'BR1', role: 'branch_head' };
    it('lets a branch head set a monthly target for a person below them', () => {
      given([...tree, registered])
        .when({ type: 'SetTarget', subjectId: 'S1', period: '2026-03', points: '5000', at, by: head })
        .then([{ type: 'TargetSet', data: { subjectId: 'S1', subject: 'staff', period: '2026-03', points: '5000.00' } }]);
    });

    it('refuses a target outside the head\'s unit, or for a bad month', () => {
      given([...tree, registered]).when({ type: 'SetTarget', subjectId: 'S1', period: '2026-03', points: '1', at, by: { ...head, unitId: 'SB1B' } }).thenRefuses('OUTSIDE_SCOPE');
      given([...tree, registered]).when({ type: 'SetTarget', subjectId: 'S1', period: '2026-13', points: '1', at, by: head }).thenRefuses('INVALID_PERIOD');
    });

    it('refuses a head their own target and their own unit\'s (pay follows attainment: targets come from above)', () => {
      given([...tree, registered]).when({ type: 'SetTarget', subjectId: 'BR1', period: '2026-03', points: '1', at, by: head }).thenRefuses('OWN_TARGET');
      given([...tree, { type: 'StaffMemberRegistered', data: { staffId: 'h', displayName: 'h', role: 'branch_head', unitId: 'BR1' } }])
        .when({ type: 'SetTarget', subjectId: 'h', period: '2026-03', points: '1', at, by: head })
        .thenRefuses('OWN_TARGET');
    });
  });

  describe('contact policy', () => {
    it('lets a unit tighten the policy it inherits', () => {
      given(tree)
        .when({ type: 'SetContactPolicy', unitId: 'BR1', policy: { maxCampaignContactsPer30Days: 2, maxContactsPerCampaignPer7Days: 1 }, at, by: admin })
        .then([{ type: 'ContactPolicySet', data: { unitId: 'BR1', policy: { maxCampaignContactsPer30Days: 2, maxContactsPerCampaignPer7Days: 1 } } }]);
    });

    it('refuses loosening it below a unit', () => {
      given(tree)
        .when({ type: 'SetContactPolicy', unitId: 'SB1', policy: { maxCampaignContactsPer30Days: 5, maxContactsPerCampaignPer7Days: 1 }, at, by: admin })
        .thenRefuses('POLICY_LOOSER_THAN_HEAD_OFFICE');
    });
  });

  describe('scoring settings', () => {
    const set = (rules: Record<string, unknown>, by: Actor = admin) => ({ type: 'SetScoringRules', ...rules, at, by }) as never;

    it('DOMAIN Cross-sell credit ("splits the points between referrer and seller (default 50/50, configurable)"): the referral split is an organisation setting, the rest kept as in force', () => {
      given(tree).when(set({ referralShare: 0.3 })).then([{ type: 'ScoringRulesSet', data: { rules: { referralShare: 0.3, complaintPenalty: 200, unsuitablePenalty: 500 } } }]);
    });

    it('DOMAIN Staff scorecards ("Complaints and mis-selling (an unsuitable sale) reduce the score"): the penalties are organisation settings; a later change keeps the earlier one', () => {
      const split: OrganisationEvent = { type: 'ScoringRulesSet', data: { rules: { referralShare: 0.3, complaintPenalty: 200, unsuitablePenalty: 500 } } } as OrganisationEvent;
      given([...tree, split])
        .when(set({ complaintPenalty: 350, unsuitablePenalty: 800 }))
        .then([{ type: 'ScoringRulesSet', data: { rules: { referralShare: 0.3, complaintPenalty: 350, unsuitablePenalty: 800 } } }] as OrganisationEvent[]);
      expect(fold(organisationDecider, [...tree, split]).scoring).toEqual({ referralShare: 0.3, complaintPenalty: 200, unsuitablePenalty: 500 });
      expect(fold(organisationDecider, tree).scoring).toEqual({ referralShare: 0.5, complaintPenalty: 200, unsuitablePenalty: 500 });
    });

    it('refuses a split outside 0–1, a negative or unbounded penalty, and anyone but an admin; the same rules again change nothing', () => {
      for (const bad of [{ referralShare: 1.5 }, { referralShare: -0.1 }, { complaintPenalty: -1 }, { complaintPenalty: 0.5 }, { unsuitablePenalty: Number.POSITIVE_INFINITY }, {}]) {
        given(tree).when(set(bad)).thenRefuses('INVALID_SCORING_RULES');
      }
      given(tree).when(set({ referralShare: 0.3 }, { userId: 'head-br1', unitId: 'BR1', role: 'branch_head' })).thenRefuses('ROLE_NOT_ALLOWED');
      given(tree).when(set({ referralShare: 0.5, complaintPenalty: 200 })).then([]);
    });
  });
});
