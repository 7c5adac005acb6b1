import { REFERENCE_PATTERN } from '../customer/erasure-reasons';

/**
 * Why an admin records a fact in a closed month, as a code: the reason is kept in the events'
 * metadata (`correction`, shown on the scorecard), where erasure cannot reach, so it holds no free
 * text that could name a customer. `Correction-Reference` adds a non-personal reference (a ticket number).
 */
export const CORRECTION_REASONS = [
  /** The fact happened in the month but was keyed after it closed. */
  'late_booking',
  /** A fact recorded wrongly in the month is set right. */
  'booking_error',
  /** A fault (a feed, the system) lost or held back the fact. */
  'system_fault',
  /** An audit or a regulator found it. */
  'audit_finding',
  /** Anything else: the reference says where the ground is written down. */
  'other',
] as const;

export type CorrectionReason = (typeof CORRECTION_REASONS)[number];

const isCorrectionReason = (value: string): value is CorrectionReason => (CORRECTION_REASONS as readonly string[]).includes(value);

/**
 * A stored `correction` as it is read: `<code>` or `<code> <reference>` (what the API writes) as it
 * is; anything else — the free text written before the codes — as its first word when that is a
 * code, else `other`, the rest dropped. The period-corrections read model reads it so, and the
 * migration that redacts legacy reasons (LegacyCorrectionReasons) writes exactly this into the log.
 */
export function correctionReasonCode(stored: string): string {
  const [code, ref, ...more] = stored.split(' ');
  if (isCorrectionReason(code!) && more.length === 0 && (ref === undefined || REFERENCE_PATTERN.test(ref))) return stored;
  const first = stored.trim().split(/\s+/)[0]!.replace(/[:;,.]+$/, '');
  return isCorrectionReason(first) ? first : 'other';
}
