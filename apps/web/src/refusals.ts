// Refusals beside the field they concern: a validation error names each field by its path; a rule's
// refusal (422, or a 400 of the plan's own checks) by the field its details name, else by its code. Texts in the user's language.
import { ApiError, fieldErrors } from './api';
import { errorText, i18n } from './i18n';

/** The field of the form each rule code concerns (the deciders' codes, apps' own names for fields). */
const FIELD_OF_CODE: Record<string, string> = {
  NAME_REQUIRED: 'name',
  ALREADY_EXISTS: 'campaignId',
  PRODUCTS_REQUIRED: 'productCodes',
  UNKNOWN_PRODUCT: 'productCodes',
  CHANNELS_REQUIRED: 'channels',
  INVALID_CHANNEL: 'channels',
  INVALID_TIER: 'audience.tiers',
  INVALID_AMOUNT: 'budget',
  INVALID_PERIOD: 'period',
  INVALID_CONTROL_GROUP: 'controlGroupPercent',
  INVALID_AGE_BAND: 'audience.ageBand',
  INVALID_DORMANCY: 'audience.dormantMonths',
  OUTSIDE_SCOPE: 'ownerUnitId',
  PLAN_DOCUMENT_REQUIRED: 'planDocumentId',
  UNKNOWN_PLAN_DOCUMENT: 'planDocumentId',
  PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN: 'planDocumentId',
  DOCUMENT_TOO_LARGE: 'planDocument',
  DOCUMENT_TYPE_NOT_ALLOWED: 'planDocument',
  INVALID_FILE_NAME: 'planDocument',
  // Rule refusals (422) name their field in details.field too; these are for answers that do not.
  CAMPAIGN_PERIOD_OVER: 'period',
  CAMPAIGN_NOT_STARTED: 'period',
  BUDGET_EXCEEDED: 'budget',
  EMPTY_AUDIENCE: 'audience',
  REASON_REQUIRED: 'reason',
  // The customer page's filings: a VIP card application and a claim.
  NOT_A_VIP_TIER: 'tier',
  REAPPLY_TOO_SOON: 'tier',
  CARD_ALREADY_HELD: 'tier',
  APPLICATION_PENDING: 'applicationId',
  CUSTOMER_ALREADY_IN_SYSTEM: 'customerId',
  CLAIM_PENDING: 'customerId',
  STAFF_NOT_IN_UNIT: 'assetsByUnit',
  NOT_A_SUB_BRANCH: 'assetsByUnit',
  NO_HOME_UNIT: 'assetsByUnit',
  UNKNOWN_UNIT: 'assetsByUnit',
  // …and a cross-branch transfer request.
  NOT_CROSS_BRANCH: 'toStaffId',
  TRANSFER_REQUEST_PENDING: 'toStaffId',
  UNKNOWN_STAFF: 'toStaffId',
  NOT_A_MANAGER: 'toStaffId',
  // …and a direct transfer.
  TRANSFER_NOT_ALLOWED: 'toStaffId',
  // The call list: an offer, its answer, a sale.
  OFFER_NOT_SUITABLE: 'productCode',
  PRODUCT_NOT_IN_CAMPAIGN: 'productCode',
  OFFER_NOT_OPEN: 'offerId',
  UNKNOWN_OFFER: 'offerId',
};

/** A refusal's words: the screens' own for the code, else the app's error table, else the API's message. */
export function refusalText(code: string, message: string): string {
  const key = `fieldErrors.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : errorText({ code, message });
}

/**
 * A validation issue in the user's words: the screens' text for the field it names (`amount`, or the
 * last segment of a deeper path), else a general one. Never the API's English message.
 */
export function validationText(path: string): string {
  for (const key of [path, path.split('.').at(-1)!]) if (i18n.global.te(`validation.${key}`)) return i18n.global.t(`validation.${key}`);
  return i18n.global.t('validation.default');
}

/**
 * Refusals keyed by the form's fields (`fields`: the keys the form shows errors beside); a path deeper
 * than a field (`audience.ageBand.min`) goes to the field that holds it. What fits no field comes back
 * as `general`.
 */
export function refusalsByField(error: unknown, fields: readonly string[]): { byField: Record<string, string>; general: string } {
  const byField: Record<string, string> = {};
  const place = (path: string): string | undefined => fields.filter((f) => path === f || path.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0];
  if (error instanceof ApiError) {
    for (const [path, e] of Object.entries(fieldErrors(error))) {
      const field = place(path);
      if (field) byField[field] = error.code === 'VALIDATION_FAILED' ? validationText(path) : refusalText(e.code, e.message);
    }
    // an amount refused by the rules names the field it read in its details (`INVALID_AMOUNT` {revenue: '-1'})
    if (error.code === 'INVALID_AMOUNT') for (const f of fields) if (!byField[f] && f in error.details) byField[f] = refusalText(error.code, error.message);
    const byCode = FIELD_OF_CODE[error.code];
    if (byCode && fields.includes(byCode) && !byField[byCode]) byField[byCode] = refusalText(error.code, error.message);
  }
  const general = Object.keys(byField).length ? '' : error instanceof ApiError ? refusalText(error.code, error.message) : errorText(error);
  return { byField, general };
}
