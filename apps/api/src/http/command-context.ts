import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { forbidden, invalid, type Actor } from '@app/domain';
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
 * `Correction-Reason: <why>`: an admin records a fact in a closed month as a correction (kept in the
 * events' metadata, shown on the scorecard). Only admins; the reason is short plain text.
 */
function correctionReason(req: Request, actor: Actor): string | undefined {
  const raw = req.header('correction-reason');
  if (raw === undefined) return undefined;
  if (actor.role !== 'admin') throw forbidden('ROLE_NOT_ALLOWED', 'only an admin records a correction', { actual: actor.role });
  let reason: string;
  try {
    reason = decodeURIComponent(raw).trim();
  } catch {
    reason = '';
  }
  if (!reason || reason.length > 200 || /[\u0000-\u001f\u007f]/.test(reason)) throw invalid('INVALID_CORRECTION_REASON', 'Correction-Reason is 1–200 characters of plain text (percent-encoded for non-ASCII)');
  return reason;
}
