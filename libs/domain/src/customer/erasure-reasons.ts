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

/** A reference to the paper trail: letters, digits and `._:/-`, no spaces, so no sentence about anyone. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
