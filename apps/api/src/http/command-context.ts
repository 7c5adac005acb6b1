import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { invalid, type Actor } from '@app/domain';
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
  return {
    correlationId: correlation && /^[\w.:-]{1,100}$/.test(correlation) ? correlation : randomUUID(),
    causationId: null,
    actor: actor.userId,
    orgUnit: actor.unitId,
    occurredAt: occurredAt ?? new Date(now).toISOString(),
    idempotencyKey: req.idempotencyKey,
    ...(traceparent ? { traceparent } : {}),
  };
}
