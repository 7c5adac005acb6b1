import { DEFAULT_SCORING, type ScoringRules } from '../scorecard/scoring';
import type { RiskLevel, Role } from '../shared/types';
import { toFen, type Fen } from '../shared/money';
import type { ContactPolicy, OrgLevel, TierThresholds } from './organisation.events';

export interface OrgUnit {
  readonly unitId: string;
  readonly name: string;
  readonly level: OrgLevel;
  readonly parentId: string | null;
  readonly wealthCentre: boolean;
}

export interface StaffMember {
  readonly staffId: string;
  readonly displayName: string;
  readonly role: Role;
  readonly unitId: string;
  /** False once deactivated (left, suspended): they can no longer act. Absent means active. */
  readonly active?: boolean;
  /** Tokens issued before this time are refused (revocation). */
  readonly tokensValidFrom?: string;
}

export interface Product {
  readonly productCode: string;
  readonly name: string;
  readonly category: string;
  readonly riskLevel: RiskLevel;
  readonly riskBearing: boolean;
  /** Scorecard points per CNY of revenue. */
  readonly weight: string;
}

/**
 * The organisation as configured: the tree, its staff, the product catalogue and the policies
 * units have set. One stream (`organisation`), so history replays with the rules of its time.
 */
export interface Organisation {
  readonly units: ReadonlyMap<string, OrgUnit>;
  readonly staff: ReadonlyMap<string, StaffMember>;
  readonly products: ReadonlyMap<string, Product>;
  readonly thresholds: ReadonlyMap<string, TierThresholds>;
  readonly contactPolicies: ReadonlyMap<string, ContactPolicy>;
  /** `<subjectId> <YYYY-MM>` → target points. */
  readonly targets: ReadonlyMap<string, string>;
  /** How sales, complaints and mis-selling score, bank-wide: the platform defaults until an admin sets them. */
  readonly scoring: ScoringRules;
  /** Business months (YYYY-MM, bank calendar) head office has closed: their figures set pay and stay as they are. */
  readonly closedMonths: ReadonlySet<string>;
}

/** Head-office minimums (004 篇九 第五条); branches may raise them, never lower. */
export const DEFAULT_TIER_THRESHOLDS: TierThresholds = { standard: '200000.00', platinum: '1500000.00', black: '6000000.00' };

/** Platform default: 3 campaign contacts per customer per 30 days, 1 per campaign per 7 days. */
export const DEFAULT_CONTACT_POLICY: ContactPolicy = { maxCampaignContactsPer30Days: 3, maxContactsPerCampaignPer7Days: 1 };

export const emptyOrganisation = (): Organisation => ({
  units: new Map(),
  staff: new Map(),
  products: new Map(),
  thresholds: new Map(),
  contactPolicies: new Map(),
  targets: new Map(),
  scoring: DEFAULT_SCORING,
  closedMonths: new Set(),
});

/** The unit and all its ancestors, nearest first. */
export function lineage(org: Organisation, unitId: string): OrgUnit[] {
  const out: OrgUnit[] = [];
  for (let u = org.units.get(unitId); u; u = u.parentId ? org.units.get(u.parentId) : undefined) out.push(u);
  return out;
}

/** `ancestor` is `unitId` itself or above it. */
export const isWithin = (org: Organisation, unitId: string, ancestor: string): boolean =>
  lineage(org, unitId).some((u) => u.unitId === ancestor);

/** `superior` is strictly above `unitId`. */
export const isSuperior = (org: Organisation, superior: string, unitId: string): boolean =>
  superior !== unitId && isWithin(org, unitId, superior);

/** Some active staff member of the unit has `role`. */
export const hasActiveStaff = (org: Organisation, unitId: string, role: Role): boolean =>
  [...org.staff.values()].some((s) => s.unitId === unitId && s.role === role && s.active !== false);

/**
 * The units that approve what `unitId` submits (DOMAIN: "the superior unit", the direct one): its
 * parent, and a unit further up only when every unit between has no active approver. Nearest
 * first; empty for head office, which has no superior.
 */
export function approvingUnits(org: Organisation, unitId: string): string[] {
  const out: string[] = [];
  for (const u of lineage(org, unitId).slice(1)) {
    out.push(u.unitId);
    if (hasActiveStaff(org, u.unitId, 'approver')) break;
  }
  return out;
}

/** The nearest unit at `level` at or above `unitId`. */
export const unitAtLevel = (org: Organisation, unitId: string, level: OrgLevel): OrgUnit | undefined =>
  lineage(org, unitId).find((u) => u.level === level);

export const headOffice = (org: Organisation): OrgUnit | undefined => [...org.units.values()].find((u) => u.parentId === null);

/** Head office's thresholds as they stand: the minimum every branch's are held to. */
export function headOfficeThresholds(org: Organisation): TierThresholds {
  const ho = headOffice(org);
  return (ho && org.thresholds.get(ho.unitId)) ?? DEFAULT_TIER_THRESHOLDS;
}

/**
 * Thresholds in force for a unit: those of the nearest unit up the tree that set some, each raised
 * to head office's current minimum. A branch's value set below a later head-office raise gives way
 * (branches may raise, never lower: 004 篇九 第五条).
 */
export function thresholdsFor(org: Organisation, unitId: string): { readonly standard: Fen; readonly platinum: Fen; readonly black: Fen } {
  // An organisation is never changed in place (its evolve makes a new one): what it answers for a unit is kept with it.
  let byUnit = thresholdsByOrg.get(org);
  if (!byUnit) thresholdsByOrg.set(org, (byUnit = new Map()));
  let t = byUnit.get(unitId);
  if (!t) byUnit.set(unitId, (t = Object.freeze(thresholdsInForce(org, unitId))));
  return t;
}

/** Per organisation and unit, `thresholdsFor`'s answer (every balance snapshot asks; the lineage walk and parsing cost more than the decision). */
const thresholdsByOrg = new WeakMap<Organisation, Map<string, { readonly standard: Fen; readonly platinum: Fen; readonly black: Fen }>>();

function thresholdsInForce(org: Organisation, unitId: string): { standard: Fen; platinum: Fen; black: Fen } {
  const floor = headOfficeThresholds(org);
  const t = lineage(org, unitId).map((u) => org.thresholds.get(u.unitId)).find(Boolean) ?? floor;
  const at = (k: keyof TierThresholds): Fen => Math.max(toFen(t[k])!, toFen(floor[k])!);
  return { standard: at('standard'), platinum: at('platinum'), black: at('black') };
}

export function contactPolicyFor(org: Organisation, unitId: string): ContactPolicy {
  return lineage(org, unitId).map((u) => org.contactPolicies.get(u.unitId)).find(Boolean) ?? DEFAULT_CONTACT_POLICY;
}
