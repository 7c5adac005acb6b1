import type { Decider } from '../decider';
import { forbidden, illegalState, invalid } from '../errors';
import { formatFen, toFen } from '../shared/money';
import { MONTH_PATTERN } from '../shared/time';
import { businessMonth } from '../shared/calendar';
import type { ScoringRules } from '../scorecard/scoring';
import type { Actor, Role } from '../shared/types';
import type { OrganisationCommand } from './organisation.commands';
import {
  alreadyExists,
  belowMinimum,
  invalidLevel,
  looserThanHeadOffice,
  roleRequired,
  unknownProduct,
  unknownStaff,
  unknownUnit,
} from './organisation.errors';
import { ORG_LEVELS, type OrganisationEvent, type TierThresholds } from './organisation.events';
import { outsideScope } from './organisation.errors';
import {
  contactPolicyFor,
  isSuperior,
  isWithin,
  emptyOrganisation,
  headOffice,
  headOfficeThresholds,
  type Organisation,
} from './organisation.state';

export const ORGANISATION_STREAM = 'organisation';

export const initialState = emptyOrganisation;

export function evolve(org: Organisation, event: OrganisationEvent): Organisation {
  switch (event.type) {
    case 'OrgUnitOpened':
      return { ...org, units: with_(org.units, event.data.unitId, event.data) };
    case 'StaffMemberRegistered':
      return { ...org, staff: with_(org.staff, event.data.staffId, event.data) };
    case 'StaffMemberMoved': {
      const s = org.staff.get(event.data.staffId)!;
      return { ...org, staff: with_(org.staff, s.staffId, { ...s, unitId: event.data.toUnitId }) };
    }
    case 'StaffRoleChanged': {
      const s = org.staff.get(event.data.staffId)!;
      return { ...org, staff: with_(org.staff, s.staffId, { ...s, role: event.data.to }) };
    }
    case 'StaffMemberDeactivated': {
      const s = org.staff.get(event.data.staffId)!;
      return { ...org, staff: with_(org.staff, s.staffId, { ...s, active: false }) };
    }
    case 'StaffTokensRevoked': {
      const s = org.staff.get(event.data.staffId)!;
      return { ...org, staff: with_(org.staff, s.staffId, { ...s, tokensValidFrom: event.data.before }) };
    }
    case 'ProductDefined':
      return { ...org, products: with_(org.products, event.data.productCode, event.data) };
    case 'ProductUpdated': {
      const p = org.products.get(event.data.productCode)!;
      return { ...org, products: with_(org.products, p.productCode, { ...p, ...event.data }) };
    }
    case 'TierThresholdsSet':
      return { ...org, thresholds: with_(org.thresholds, event.data.unitId, event.data.thresholds) };
    case 'ContactPolicySet':
      return { ...org, contactPolicies: with_(org.contactPolicies, event.data.unitId, event.data.policy) };
    case 'TargetSet':
      return { ...org, targets: with_(org.targets, `${event.data.subjectId} ${event.data.period}`, event.data.points) };
    case 'ScoringRulesSet':
      return { ...org, scoring: event.data.rules };
    case 'BusinessMonthClosed':
      return { ...org, closedMonths: new Set([...org.closedMonths, event.data.month]) };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export function decide(command: OrganisationCommand, org: Organisation): OrganisationEvent[] {
  if (command.type === 'SetTarget') return setTarget(command, org);
  if (command.type === 'CloseBusinessMonth') return closeBusinessMonth(command, org);
  requireRole(command.by, ['admin']);
  switch (command.type) {
    case 'OpenOrgUnit': {
      if (org.units.has(command.unitId)) throw alreadyExists('unit', command.unitId);
      if (command.parentId === null) {
        if (command.level !== 'head_office') throw invalidLevel('only the head office has no parent', { level: command.level });
        if (headOffice(org)) throw alreadyExists('head office', headOffice(org)!.unitId);
      } else {
        const parent = org.units.get(command.parentId);
        if (!parent) throw unknownUnit(command.parentId);
        if (ORG_LEVELS.indexOf(command.level) <= ORG_LEVELS.indexOf(parent.level)) {
          throw invalidLevel(`a ${command.level} cannot sit under a ${parent.level}`, { level: command.level, parentLevel: parent.level });
        }
      }
      const { unitId, name, level, parentId } = command;
      return [{ type: 'OrgUnitOpened', data: { unitId, name, level, parentId, wealthCentre: command.wealthCentre ?? false } }];
    }
    case 'RegisterStaffMember': {
      if (org.staff.has(command.staffId)) throw alreadyExists('staff', command.staffId);
      if (!org.units.has(command.unitId)) throw unknownUnit(command.unitId);
      const { staffId, displayName, role, unitId } = command;
      return [{ type: 'StaffMemberRegistered', data: { staffId, displayName, role, unitId } }];
    }
    case 'MoveStaffMember': {
      const s = org.staff.get(command.staffId);
      if (!s) throw unknownStaff(command.staffId);
      if (!org.units.has(command.toUnitId)) throw unknownUnit(command.toUnitId);
      if (s.unitId === command.toUnitId) return [];
      return [{ type: 'StaffMemberMoved', data: { staffId: s.staffId, fromUnitId: s.unitId, toUnitId: command.toUnitId } }];
    }
    case 'ChangeStaffRole': {
      const s = org.staff.get(command.staffId);
      if (!s) throw unknownStaff(command.staffId);
      if (s.role === command.role) return [];
      // The bank is never left without an active admin (no one could then change roles, users or settings).
      if (s.role === 'admin' && s.active !== false && ![...org.staff.values()].some((o) => o.staffId !== s.staffId && o.role === 'admin' && o.active !== false)) {
        throw illegalState('LAST_ADMIN', `${s.staffId} is the last active admin; make someone else admin first`, { staffId: s.staffId });
      }
      return [{ type: 'StaffRoleChanged', data: { staffId: s.staffId, from: s.role, to: command.role } }];
    }
    case 'DeactivateStaffMember': {
      const s = org.staff.get(command.staffId);
      if (!s) throw unknownStaff(command.staffId);
      if (s.staffId === command.by.userId) throw invalid('CANNOT_DEACTIVATE_SELF', 'an admin cannot deactivate themselves', { staffId: s.staffId });
      if (s.active === false) return [];
      return [{ type: 'StaffMemberDeactivated', data: { staffId: s.staffId } }];
    }
    case 'RevokeStaffTokens': {
      const s = org.staff.get(command.staffId);
      if (!s) throw unknownStaff(command.staffId);
      return [{ type: 'StaffTokensRevoked', data: { staffId: s.staffId, before: command.at } }];
    }
    case 'DefineProduct': {
      if (org.products.has(command.productCode)) throw alreadyExists('product', command.productCode);
      const weight = nonNegative(command.weight, 'weight');
      const { productCode, name, category, riskLevel, riskBearing } = command;
      return [{ type: 'ProductDefined', data: { productCode, name, category, riskLevel, riskBearing, weight } }];
    }
    case 'UpdateProduct': {
      const p = org.products.get(command.productCode);
      if (!p) throw unknownProduct(command.productCode);
      const next = {
        productCode: p.productCode,
        riskLevel: command.riskLevel ?? p.riskLevel,
        riskBearing: command.riskBearing ?? p.riskBearing,
        weight: command.weight === undefined ? p.weight : nonNegative(command.weight, 'weight'),
      };
      if (next.riskLevel === p.riskLevel && next.riskBearing === p.riskBearing && next.weight === p.weight) return [];
      return [{ type: 'ProductUpdated', data: next }];
    }
    case 'SetTierThresholds': {
      const unit = org.units.get(command.unitId);
      if (!unit) throw unknownUnit(command.unitId);
      if (unit.level !== 'head_office' && unit.level !== 'branch') {
        throw invalidLevel('tier thresholds are set by the head office or a branch', { level: unit.level });
      }
      const t = normaliseThresholds(command.thresholds);
      if (unit.level === 'branch') {
        const floor = headOfficeThresholds(org);
        const below = (['standard', 'platinum', 'black'] as const).filter((k) => toFen(t[k])! < toFen(floor[k])!);
        if (below.length) throw belowMinimum({ below, minimum: floor });
      }
      return [{ type: 'TierThresholdsSet', data: { unitId: unit.unitId, thresholds: t } }];
    }
    case 'SetContactPolicy': {
      const unit = org.units.get(command.unitId);
      if (!unit) throw unknownUnit(command.unitId);
      const p = command.policy;
      for (const [k, v] of Object.entries(p)) {
        if (!Number.isInteger(v) || v < 1 || v > 100) throw invalid('INVALID_POLICY', `${k} must be a whole number from 1 to 100`, { [k]: v });
      }
      if (unit.parentId) {
        const inherited = contactPolicyFor(org, unit.parentId);
        if (
          p.maxCampaignContactsPer30Days > inherited.maxCampaignContactsPer30Days ||
          p.maxContactsPerCampaignPer7Days > inherited.maxContactsPerCampaignPer7Days
        ) {
          throw looserThanHeadOffice({ inherited, requested: p });
        }
      }
      return [{ type: 'ContactPolicySet', data: { unitId: unit.unitId, policy: { ...p } } }];
    }
    case 'SetScoringRules':
      return setScoringRules(command, org);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/**
 * Head office (an admin, head or approver there) closes a business month once it is over; closing
 * it again changes nothing. The month is the bank's (BANK_TIME_ZONE), as every scorecard month.
 */
function closeBusinessMonth(command: OrganisationCommand & { type: 'CloseBusinessMonth' }, org: Organisation): OrganisationEvent[] {
  requireRole(command.by, ['admin', 'branch_head', 'approver']);
  if (org.units.get(command.by.unitId)?.parentId !== null) throw forbidden('HEAD_OFFICE_ONLY', 'business months are closed by head office', { actorUnitId: command.by.unitId });
  if (!MONTH_PATTERN.test(command.month)) throw invalid('INVALID_PERIOD', 'month is YYYY-MM', { month: command.month });
  if (command.month >= businessMonth(command.at)) throw illegalState('MONTH_NOT_OVER', `${command.month} is not over yet in the bank's calendar`, { month: command.month });
  if (org.closedMonths.has(command.month)) return [];
  return [{ type: 'BusinessMonthClosed', data: { month: command.month, closedBy: command.by.userId } }];
}

/**
 * Targets (the basis of performance pay) are set from above: a unit's by a head of a unit strictly
 * above it, a person's by a head of their unit or above — never one's own.
 */
function setTarget(command: OrganisationCommand & { type: 'SetTarget' }, org: Organisation): OrganisationEvent[] {
  requireRole(command.by, ['admin', 'branch_head']);
  const staff = org.staff.get(command.subjectId);
  const unitId = staff ? staff.unitId : command.subjectId;
  if (!staff && !org.units.has(command.subjectId)) throw unknownUnit(command.subjectId);
  if (command.by.role !== 'admin') {
    if (!isWithin(org, unitId, command.by.unitId)) throw outsideScope(unitId, command.by.unitId);
    const own = staff ? staff.staffId === command.by.userId : !isSuperior(org, command.by.unitId, unitId);
    if (own) throw forbidden('OWN_TARGET', 'targets are set from above: not for oneself or one\'s own unit', { subjectId: command.subjectId });
  }
  if (!MONTH_PATTERN.test(command.period)) throw invalid('INVALID_PERIOD', 'period is a month, YYYY-MM', { period: command.period });
  const points = nonNegative(command.points, 'points');
  return [{ type: 'TargetSet', data: { subjectId: command.subjectId, subject: staff ? 'staff' : 'unit', period: command.period, points } }];
}

/**
 * The referral split (004 招商银行: 转介绍, default 50/50) and the penalties for complaints and
 * mis-selling are the bank's to set (DOMAIN: the numbers are defaults an operator configures).
 * One set for the whole bank, as scorecards rank people across it; a sale, complaint or unsuitable
 * attempt scores under the rules in force when it happened.
 */
function setScoringRules(command: OrganisationCommand & { type: 'SetScoringRules' }, org: Organisation): OrganisationEvent[] {
  const changes = { referralShare: command.referralShare, complaintPenalty: command.complaintPenalty, unsuitablePenalty: command.unsuitablePenalty };
  const named = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof ScoringRules, number][];
  if (named.length === 0) throw invalid('INVALID_SCORING_RULES', 'name at least one of referralShare, complaintPenalty, unsuitablePenalty');
  for (const [k, v] of named) {
    const ok = k === 'referralShare' ? Number.isFinite(v) && v >= 0 && v <= 1 : Number.isInteger(v) && v >= 0 && v <= MAX_PENALTY;
    if (!ok) throw invalid('INVALID_SCORING_RULES', k === 'referralShare' ? 'referralShare is a share from 0 to 1' : `${k} is a whole number of points from 0 to ${MAX_PENALTY}`, { [k]: v });
  }
  const rules: ScoringRules = { ...org.scoring, ...Object.fromEntries(named) };
  if (named.every(([k, v]) => org.scoring[k] === v)) return [];
  return [{ type: 'ScoringRulesSet', data: { rules } }];
}

const MAX_PENALTY = 1_000_000;

export const organisationDecider: Decider<OrganisationCommand, Organisation, OrganisationEvent> = { initialState, evolve, decide };

export function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) throw roleRequired(roles, actor.role);
}

function with_<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

function nonNegative(value: string, field: string): string {
  const fen = toFen(value);
  if (fen === undefined || fen < 0) throw invalid('INVALID_AMOUNT', `${field} must be a non-negative amount with at most two decimals`, { [field]: value });
  return formatFen(fen);
}

function normaliseThresholds(t: TierThresholds): TierThresholds {
  const standard = nonNegative(t.standard, 'standard');
  const platinum = nonNegative(t.platinum, 'platinum');
  const black = nonNegative(t.black, 'black');
  if (!(toFen(standard)! < toFen(platinum)! && toFen(platinum)! < toFen(black)!)) {
    throw invalid('INVALID_THRESHOLDS', 'thresholds must rise: standard < platinum < black', { standard, platinum, black });
  }
  return { standard, platinum, black };
}
