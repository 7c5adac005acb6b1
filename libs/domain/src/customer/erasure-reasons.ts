/**
 * Why a customer's data was erased, as a code. The erasure event outlives the erasure (the audit
 * must show that, when and by whom it was done, and on what ground), so it may hold nothing
 * personal: free text could quote the customer, and nothing can scrub it from the log afterwards.
 * A non-personal reference (a ticket or letter number, `requestRef`) points to the paper trail.
 */
export const ERASURE_REASONS = [
  /** The customer asked (001 服务准则 1c). */
  'customer_request',
  /** The relationship ended and the retention period is over. */
  'retention_period_over',
  /** A court, regulator or other authority ordered it. */
  'legal_order',
  /** Data recorded in error (the wrong person, a duplicate). */
  'recorded_in_error',
  /** Anything else; the reference says where the ground is written down. Legacy free-text reasons read as this. */
  'other',
] as const;

export type ErasureReason = (typeof ERASURE_REASONS)[number];

export function isErasureReason(value: unknown): value is ErasureReason {
  return typeof value === 'string' && (ERASURE_REASONS as readonly string[]).includes(value);
}

/**
 * A reference to the paper trail: a letter prefix and a separator, then letters, digits and `._:/-`
 * (`DPO-2026-0042`, `COURT/2026-118`, `AUD-2026/03.17`), 3 to 64 characters, no spaces — so no
 * sentence about anyone, no bare name (`Zhang`) and no bare number — and no 11-digit mobile number
 * (1[3-9]…) anywhere in it, so a phone number does not pass as one (`other 13700001111`, `TEL-13700001111`).
 */
export const REFERENCE_PATTERN = /^(?=[A-Za-z0-9._:/-]{3,64}$)(?!.*(?<!\d)1[3-9]\d{9}(?!\d))[A-Za-z]+[-_:/.][A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/** What a refused reference is told (INVALID_REFERENCE, INVALID_CORRECTION_REASON). */
export const REFERENCE_RULE = 'a reference is a letter prefix and a separator, then letters, digits and ._:/- (DPO-2026-0042), at most 64 characters: no text, no phone number';
