import { z } from 'zod';
import type { CommandBus } from '@nestjs/cqrs';
import { deterministicUuid, RecordInteraction, type OrganisationView } from '@app/application';
import { customerStream, DomainError, invalid, type Actor } from '@app/domain';
import { EventStoreError, type EventStore } from '@app/event-store';
import { id, INTERACTION_RECORDERS, interaction, parseBody } from '@app/interactions';
import type { BusConsumer, DeadLetter, DeliveredMessage, MessageBus } from '@app/messaging';
import { CORRELATION_ID, currentTraceparent, inSpan, validTraceparent } from '@app/platform';

export type { DeadLetter };

/** Channel systems (call centre, app, branch terminals) publish interactions here, keyed by customer id. */
export const INTERACTIONS_TOPIC = 'channel.interactions';
/** What could not be processed goes here, with the reason. */
export const DEAD_LETTER_TOPIC = 'channel.interactions.dlq';
/** The consumer group the ingest commits its offsets under. */
export const INGEST_GROUP = 'ingest';
const GROUP = INGEST_GROUP;

/**
 * A message's value: who recorded the interaction (a staff id: the relationship manager, or the
 * channel's own service account) and the interaction, exactly as `POST /api/interactions` takes it.
 * The message id deduplicates: a redelivered message is applied once.
 */
export const channelMessage = z.strictObject({ actor: id, interaction: z.unknown() });

/** Keeps which messages were handled (the platform's idempotency store fits). */
/** How far ahead of the ingest's clock a stated business time may be (clock skew), as on the API. */
const MAX_FUTURE_MS = 5 * 60_000;

export interface MessageLedger {
  claim(scope: string, key: string, requestHash: string): Promise<{ kind: 'new' } | { kind: 'replay' } | { kind: 'in_progress' } | { kind: 'mismatch' }>;
  complete(scope: string, key: string, status: number, body: unknown): Promise<void>;
  release(scope: string, key: string): Promise<void>;
  hash(value: unknown): string;
}

export interface IngestDeps {
  /** The application's CommandBus: channel interactions run the same handler as `POST /api/interactions`. */
  readonly commands: CommandBus;
  readonly store: EventStore;
  readonly bus: MessageBus;
  readonly organisation: OrganisationView;
  readonly ledger: MessageLedger;
  readonly log: { info(o: object, m: string): void; warn(o: object, m: string): void };
  /**
   * How far back staff may date a fact before it is received (BACKDATE_GRACE_DAYS): a channel message
   * is held to the same grace as `POST /api/interactions`, counted from when the bus took it
   * (`DeliveredMessage.publishedAt`), however late the ingest handles it.
   */
  readonly graceDays: number;
  /** Attempts at a message whose handling fails (not a refusal), and the first wait between them, doubling (ms). */
  readonly retry?: { readonly attempts?: number; readonly initialMs?: number; readonly maxMs?: number };
}

/**
 * The channel ingest: validates each message, deduplicates it by id, turns it into the customer's
 * command (the same rules as the API: scope, consent, contact policy, suitability) and sends what
 * it cannot process to the dead-letter topic with the reason: a refusal at once; a message that
 * cannot be read (the bus does that); a failure (a bug, a deleted stream, conflicts that do not
 * clear) after a few attempts with growing waits. While the store or the database is away, no
 * message is at fault: the last attempt's error is thrown, so the bus delivers the message again
 * later, in order (at least once; the message ids keep it exactly once in the store).
 */
export function startInteractionIngest(deps: IngestDeps): Promise<BusConsumer> {
  return deps.bus.consume(
    INTERACTIONS_TOPIC,
    GROUP,
    async (batch) => {
      for (const message of batch) await handleWithRetries(deps, message);
    },
    // The handler dead-letters what is at fault itself and throws only while the store is away.
    { deadLetterTopic: DEAD_LETTER_TOPIC, isTransient: isOutage },
  );
}

async function handleWithRetries(deps: IngestDeps, message: DeliveredMessage): Promise<void> {
  const { attempts = 4, initialMs = 200, maxMs = 5_000 } = deps.retry ?? {};
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle(deps, message);
    } catch (err) {
      const error = String((err as Error)?.message ?? err);
      if (attempt < attempts) {
        const wait = Math.min(initialMs * 2 ** (attempt - 1), maxMs);
        deps.log.warn({ messageId: message.id, attempt, retryInMs: wait, err: error }, 'interaction failed; trying again');
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      if (isOutage(err)) throw err;
      return deadLetter(deps, message, { code: 'PROCESSING_FAILED', message: `handling failed ${attempts} times: ${error}`, details: { attempts, error } });
    }
  }
}

/** The store or the database cannot be reached (or did not answer): the message is not at fault. */
function isOutage(err: unknown): boolean {
  if (err instanceof EventStoreError) return err.transient;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (/^(08|57P0)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code));
}

async function handle(deps: IngestDeps, message: DeliveredMessage): Promise<void> {
  const scope = `ingest ${message.topic}`;
  const claim = await deps.ledger.claim(scope, message.id, deps.ledger.hash(message.value));
  if (claim.kind === 'replay') return; // handled before: a redelivery
  if (claim.kind === 'mismatch') {
    return deadLetter(deps, message, invalid('MESSAGE_ID_REUSED', 'another message with this id was handled already', { messageId: message.id }));
  }
  try {
    const outcome = await apply(deps, message, claim.kind === 'in_progress');
    await deps.ledger.complete(scope, message.id, 200, outcome);
  } catch (err) {
    if (!(err instanceof DomainError)) {
      await deps.ledger.release(scope, message.id);
      throw err; // the store or the bus failed: deliver the batch again
    }
    await deadLetter(deps, message, err);
    await deps.ledger.complete(scope, message.id, 422, { code: err.code });
  }
}

async function apply(deps: IngestDeps, message: DeliveredMessage, retrying: boolean): Promise<{ streamId: string; events: number }> {
  const envelope = parseBody(channelMessage, message.value);
  const body = parseBody(interaction, envelope.interaction);
  const org = await deps.organisation.current();
  const staff = org.staff.get(envelope.actor);
  if (!staff || staff.active === false) throw invalid('UNKNOWN_ACTOR', `no active staff member ${envelope.actor}`, { actor: envelope.actor });
  if (!INTERACTION_RECORDERS.includes(staff.role)) throw invalid('ROLE_NOT_ALLOWED', `a ${staff.role} does not record interactions`, { actor: envelope.actor, role: staff.role });
  const actor: Actor = { userId: staff.staffId, unitId: staff.unitId, role: staff.role };
  const streamId = customerStream(body.customerId);
  const idempotencyKey = `ingest ${message.id}`;
  if (retrying) {
    // A previous attempt may have appended before it could say so: its first event has a known id.
    const first = deterministicUuid(`${idempotencyKey}\u0000${streamId}\u00000`);
    const stored = await deps.store.readStream(streamId);
    if (stored.some((e) => e.metadata.eventId === first)) return { streamId, events: 0 };
  }
  // New contacts, offers, sales… are named after the message, so a replay names them the same.
  // The recording time is when the bus took the message (issue 16, item 7b and its leftovers), not
  // when the ingest gets round to it: a message delivered a day late (the broker or this consumer
  // away) is held to the grace it would have had on time, and a stated business time may not be
  // ahead of it (clock skew aside), as on the API. A bus clock ahead of ours counts from ours.
  const now = Date.now();
  const published = Date.parse(message.publishedAt);
  const receivedAt = new Date(Number.isFinite(published) ? Math.min(published, now) : now).toISOString();
  if (body.occurredAt && Date.parse(body.occurredAt) > Date.parse(receivedAt) + MAX_FUTURE_MS) {
    throw invalid('OCCURRED_IN_FUTURE', 'occurredAt is after the message was sent', { occurredAt: body.occurredAt, publishedAt: receivedAt });
  }
  const at = body.occurredAt ?? receivedAt;
  // The sender's trace goes on: its correlation id (else the message id) and traceparent into the events' metadata.
  const given = traceOf(message);
  return inSpan(`process ${message.topic}`, 'consumer', given.traceparent, { 'messaging.message.id': message.id, 'messaging.destination.name': message.topic }, async () => {
    const traceparent = currentTraceparent(given.traceparent);
    const context = { correlationId: given.correlationId ?? message.id, causationId: null, actor: actor.userId, orgUnit: actor.unitId, occurredAt: at, recordedAt: receivedAt, graceDays: deps.graceDays, idempotencyKey, ...(traceparent ? { traceparent } : {}) };
    const result = await deps.commands.execute(new RecordInteraction(body, actor, context, () => message.id));
    return { streamId, events: result.events.length };
  });
}

/** A channel message's trace headers, each kept only if it looks like one. */
function traceOf(message: Pick<DeliveredMessage, 'headers'>): { correlationId?: string; traceparent?: string } {
  const correlation = message.headers?.['correlation-id'];
  return { correlationId: correlation && CORRELATION_ID.test(correlation) ? correlation : undefined, traceparent: validTraceparent(message.headers?.traceparent) };
}

/** The trace headers a message passes on (to its dead letter). */
function traceHeaders(message: Pick<DeliveredMessage, 'headers'>): Record<string, string> {
  const { correlationId, traceparent } = traceOf(message);
  return { ...(correlationId ? { 'correlation-id': correlationId } : {}), ...(traceparent ? { traceparent } : {}) };
}

async function deadLetter(deps: IngestDeps, message: DeliveredMessage, err: Pick<DomainError, 'code' | 'message' | 'details'>): Promise<void> {
  const letter: DeadLetter = {
    message: { id: message.id, key: message.key, value: message.value, topic: message.topic, offset: message.offset },
    reason: { code: err.code, message: err.message, details: err.details },
    failedAt: new Date().toISOString(),
  };
  await deps.bus.publish(DEAD_LETTER_TOPIC, [{ id: message.id, key: message.key, value: letter, headers: traceHeaders(message) }]);
  deps.log.warn({ messageId: message.id, code: err.code }, 'interaction sent to the dead-letter topic');
}
