import { forbidden, illegalState, invalid, notFound, refused } from '../errors';
import type { Role } from '../shared/types';

export const unknownUnit = (unitId: string) => notFound('UNKNOWN_UNIT', `no org unit ${unitId}`, { unitId });
export const unknownStaff = (staffId: string) => notFound('UNKNOWN_STAFF', `no staff member ${staffId}`, { staffId });
export const unknownProduct = (productCode: string) => notFound('UNKNOWN_PRODUCT', `no product ${productCode}`, { productCode });
export const roleRequired = (roles: readonly Role[], actual: Role) =>
  forbidden('ROLE_NOT_ALLOWED', `this needs the role ${roles.join(' or ')}`, { required: roles, actual });
export const outsideScope = (unitId: string, actorUnitId: string) =>
  forbidden('OUTSIDE_SCOPE', `unit ${unitId} is outside the actor's unit ${actorUnitId}`, { unitId, actorUnitId });
export const alreadyExists = (what: string, id: string) => illegalState('ALREADY_EXISTS', `${what} ${id} already exists`, { [what]: id });
export const invalidLevel = (message: string, details: Record<string, unknown>) => invalid('INVALID_ORG_LEVEL', message, details);
export const belowMinimum = (details: Record<string, unknown>) =>
  refused('THRESHOLD_BELOW_MINIMUM', 'a branch may raise the head-office tier thresholds, never lower them', details);
export const looserThanHeadOffice = (details: Record<string, unknown>) =>
  refused('POLICY_LOOSER_THAN_HEAD_OFFICE', 'a unit may tighten the head-office contact policy, never loosen it', details);
