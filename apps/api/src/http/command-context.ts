import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { CORRECTION_REASONS, REFERENCE_PATTERN, forbidden, invalid, type Actor } from '@app/domain';
import type { CommandContext } from '@app/application';
import { currentTraceparent, validTraceparent } from '@app/platform';

/** How far ahead of the server clock a stated business time may be (clock skew). */
const MAX_FUTURE_MS = 5 * 60_000;

/** Who, when and which request: the metadata every event of this command will carry. */
export function commandContext(req: Request & { idempotencyKey?: string }, actor: Actor, occurredAt?: string): CommandContext {
  const now = Date.now();
  if (occurredAt && Date.parse(occurredAt) > now + MAX_FUTURE_MS) {
    throw invalid('OCCURRED_IN_FUTURE', 'occurredAt is in the future', { occurredAt });
  }
  const correlation = req.header('x-correlation-id');
  const traceparent = currentTraceparent(validTraceparent(req.header('traceparent')));
  const correction = correctionReason(req, actor);
  return {
    correlationId: correlation && /^[\w.:-]{1,100}$/.test(correlation) ? correlation : randomUUID(),
    causationId: null,
    actor: actor.userId,
    orgUnit: actor.unitId,
    occurredAt: occurredAt ?? new Date(now).toISOString(),
    recordedAt: new Date(now).toISOString(),
    ...(correction ? { correction } : {}),
    idempotencyKey: req.idempotencyKey,
    ...(traceparent ? { traceparent } : {}),
  };
}

/**
 * `Correction-Reason: <code>` (CORRECTION_REASONS) and optionally `Correction-Reference: <ref>`:
 * an admin records a fact in a closed month as a correction. Only admins. Kept in the events'
 * metadata as `<code>` or `<code> <ref>`.
 */
function correctionReason(req: Request, actor: Actor): string | undefined {
  const raw = req.header('correction-reason');
  const ref = req.header('correction-reference');
  if (raw === undefined) {
    if (ref !== undefined) throw invalid('INVALID_CORRECTION_REASON', 'Correction-Reference goes with a Correction-Reason');
    return undefined;
  }
  if (actor.role !== 'admin') throw forbidden('ROLE_NOT_ALLOWED', 'only an admin records a correction', { actual: actor.role });
  const reason = raw.trim();
  if (!(CORRECTION_REASONS as readonly string[]).includes(reason)) {
    throw invalid('INVALID_CORRECTION_REASON', `Correction-Reason is one of ${CORRECTION_REASONS.join(', ')} (no free text: it stays in the log), with an optional Correction-Reference`, { allowed: [...CORRECTION_REASONS] });
  }
  if (ref === undefined) return reason;
  if (!REFERENCE_PATTERN.test(ref.trim())) throw invalid('INVALID_CORRECTION_REASON', 'Correction-Reference is up to 64 letters, digits and ._:/- (a ticket number), no text');
  return `${reason} ${ref.trim()}`;
}
