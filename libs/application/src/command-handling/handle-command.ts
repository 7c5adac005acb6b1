import { hash, randomUUID } from 'node:crypto';
import { checkEventData, currentSchemaVersion, DomainError, type Decider, type DomainEvent } from '@app/domain';
import { comparePositions, WrongExpectedVersion, type EventMetadata, type EventStore, type ExpectedRevision, type NewEvent, type Position, type RecordedEvent } from '@app/event-store';

/** Who and when: everything a command carries besides its own data. */
export interface CommandContext {
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly actor: string;
  readonly orgUnit: string | null;
  /** Business time of the command (ISO 8601); becomes the events' `occurredAt`. */
  readonly occurredAt: string;
  /** When the command was recorded (ISO 8601), if the transport says. */
  readonly recordedAt?: string;
  /** An admin's reason for a fact dated in a closed month; kept in the events' metadata (`correction`). */
  readonly correction?: string;
  /** How far back staff may date a fact (days), when the transport holds them to it (BACKDATE_GRACE_DAYS). */
  readonly graceDays?: number;
  /** When present, event ids derive from it, so a repeated command stores nothing new. */
  readonly idempotencyKey?: string;
  /** W3C trace context of the request or message (kept in the events' metadata). */
  readonly traceparent?: string;
}

/** What the business-time rule reads from a command's context (libs/domain periods/business-time.ts). */
export function recordingOf(context: CommandContext): { recordedAt?: string; graceDays?: number; correction?: string } {
  return {
    ...(context.recordedAt !== undefined ? { recordedAt: context.recordedAt } : {}),
    ...(context.graceDays !== undefined ? { graceDays: context.graceDays } : {}),
    ...(context.correction !== undefined ? { correction: context.correction } : {}),
  };
}

export interface HandledCommand<Event extends DomainEvent> {
  readonly events: readonly Event[];
  /** Stream revision after the command; -1 when the stream is still empty. */
  readonly revision: number;
  readonly position: Position | null;
}

export interface HandleCommandOptions {
  /** Attempts on a concurrency conflict before giving up (default 5). */
  readonly maxAttempts?: number;
  readonly schemaVersion?: number;
}

/**
 * Read the stream, fold it, decide, append with the expected revision; on a conflict, do it all
 * again on the fresh state (a bounded number of times). Every command handler goes through here.
 */
export async function handleCommand<Command, State, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, State, Event>,
  command: Command,
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<Event>> {
  return retryOnConflict(options.maxAttempts ?? 5, async () => {
    const { state, revision } = await loadState(store, streamId, decider);
    const expected = expectedFor(revision);
    let events: readonly Event[];
    try {
      events = decider.decide(command, state);
    } catch (refusal) {
      // Some refusals are facts to keep (compliance): store them, then report the refusal.
      if (refusal instanceof DomainError && refusal.recorded.length > 0) {
        await store.appendToStream(streamId, withMetadata(streamId, refusal.recorded, context, options.schemaVersion), expected);
      }
      throw refusal;
    }
    if (events.length === 0) return { events, revision, position: null };
    const result = await store.appendToStream(streamId, withMetadata(streamId, events, context, options.schemaVersion), expected);
    return { events, revision: result.nextExpectedRevision, position: result.position };
  });
}

/** Streams whose folded state this process keeps, per store and decider (least recently used go first). */
const STATE_CACHE_SIZE = 10_000;
const stateCache = new WeakMap<EventStore, WeakMap<object, Map<string, Folded<unknown>>>>();

type Folding<State, Event extends DomainEvent> = Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>;
type Folded<State> = { state: State; revision: number };

function cacheFor<State>(store: EventStore, decider: object): Map<string, Folded<State>> {
  let byDecider = stateCache.get(store);
  if (!byDecider) stateCache.set(store, (byDecider = new WeakMap()));
  let cache = byDecider.get(decider);
  if (!cache) byDecider.set(decider, (cache = new Map()));
  return cache as Map<string, Folded<State>>;
}

function remember<State>(cache: Map<string, Folded<State>>, streamId: string, folded: Folded<State>): void {
  cache.delete(streamId);
  cache.set(streamId, folded);
  if (cache.size > STATE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

function foldOnto<State, Event extends DomainEvent>(decider: Folding<State, Event>, from: Folded<State> | undefined, events: readonly RecordedEvent[]): Folded<State> {
  let state = from ? from.state : decider.initialState();
  let revision = from ? from.revision : -1;
  for (const e of events) {
    state = decider.evolve(state, e as unknown as Event);
    revision = e.streamPosition;
  }
  return { state, revision };
}

/**
 * A stream folded with a decider, and the revision it was read at (-1: empty). The folded state is
 * kept per process, so the next command on the stream reads and folds only the events appended
 * since; states are immutable and a stale one only costs a retry on the expected revision.
 */
export async function loadState<State, Event extends DomainEvent>(store: EventStore, streamId: string, decider: Folding<State, Event>): Promise<Folded<State>> {
  const cache = cacheFor<State>(store, decider);
  const cached = cache.get(streamId);
  const folded = foldOnto(decider, cached, await store.readStream(streamId, cached ? cached.revision + 1 : 0));
  remember(cache, streamId, folded);
  return folded;
}

/** Streams read per query when loading many at once. */
const LOAD_MANY_CHUNK = 2_000;

/**
 * `loadState` for many streams of one decider (a launch's customers), read a few thousand per
 * query. `known` keeps the states across calls (a retry reads only what was appended since);
 * without it the process-wide cache serves, which holds only the most recent streams.
 */
export async function loadStates<State, Event extends DomainEvent>(
  store: EventStore,
  streamIds: readonly string[],
  decider: Folding<State, Event>,
  known?: Map<string, Folded<State>>,
): Promise<Map<string, Folded<State>>> {
  const cache = known ?? cacheFor<State>(store, decider);
  streamIds = [...new Set(streamIds)];
  const out = new Map<string, Folded<State>>();
  for (let i = 0; i < streamIds.length; i += LOAD_MANY_CHUNK) {
    const chunk = streamIds.slice(i, i + LOAD_MANY_CHUNK);
    // What was cached when the read was asked for: the events read follow exactly that.
    const from = chunk.map((streamId) => cache.get(streamId));
    const read = await store.readStreams(chunk.map((streamId, k) => ({ streamId, fromRevision: (from[k]?.revision ?? -1) + 1 })));
    for (const [k, streamId] of chunk.entries()) {
      const folded = foldOnto(decider, from[k], read.get(streamId) ?? []);
      if (known) known.set(streamId, folded);
      else remember(cache, streamId, folded);
      out.set(streamId, folded);
    }
  }
  return out;
}

export const expectedFor = (revision: number): ExpectedRevision => (revision === -1 ? 'no_stream' : revision);

/** One stream's share of a decision that spans several (e.g. a launch: campaign, budget, customers). */
export interface StreamDecision {
  readonly streamId: string;
  readonly events: readonly DomainEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/** Appends what several deciders decided, each stream with its own expected revision (one transaction on Postgres). */
export async function appendDecisions(store: EventStore, decisions: readonly StreamDecision[], context: CommandContext, schemaVersion?: number): Promise<Position | null> {
  const appends = decisions
    .filter((d) => d.events.length > 0)
    .map((d) => ({ streamId: d.streamId, events: withMetadata(d.streamId, d.events, context, schemaVersion), expectedRevision: d.expectedRevision }));
  if (appends.length === 0) return null;
  const results = await store.appendToStreams(appends);
  return results.reduce<Position | null>((max, r) => (!max || comparePositions(r.position, max) > 0 ? r.position : max), null);
}

/** Runs `attempt` again when the store reports a concurrency conflict, up to `maxAttempts` times. */
export async function retryOnConflict<T>(maxAttempts: number, attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof WrongExpectedVersion) || i >= maxAttempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * i));
    }
  }
}

/** Wraps domain events in the metadata every stored event carries. */
export function withMetadata(
  streamId: string,
  events: readonly DomainEvent[],
  context: CommandContext,
  /** Default: the type's current version in the event catalogue. */
  schemaVersion?: number,
): NewEvent[] {
  return events.map((e, i) => {
    const version = schemaVersion ?? currentSchemaVersion(e.type);
    const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } & { correction?: string } = {
      eventId: context.idempotencyKey ? deterministicUuid(`${context.idempotencyKey}\u0000${streamId}\u0000${i}`) : randomUUID(),
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
      actor: context.actor,
      orgUnit: context.orgUnit,
      occurredAt: context.occurredAt,
      schemaVersion: version,
    };
    // Set when there, not spread in: spreads after fields take V8's slow path (every decided event comes here).
    if (context.traceparent) metadata.traceparent = context.traceparent;
    if (context.correction) metadata.correction = context.correction;
    return { type: e.type, data: fitting(e, version), metadata };
  });
}

/**
 * A decided event must fit its type's schema in the catalogue: what import would refuse is never
 * written, an event of a type the catalogue does not know included (import refuses those too), so
 * that nothing is appended for it.
 */
function fitting(e: DomainEvent, schemaVersion: number): unknown {
  const problem = checkEventData(e.type, schemaVersion, e.data);
  if (problem) throw new Error(`${e.type} v${schemaVersion} does not fit the event catalogue: ${problem.field}: expected ${problem.expected}`);
  return e.data;
}

/** The variant nibble (`10xx`) for each value of the hash's nibble it replaces, by its low two bits. */
const VARIANT = '89ab';

/**
 * A name-based UUID (version 5 layout over SHA-1), stable for the same input. The hash is taken in
 * one call, as hex, and the version and variant nibbles are set in the text: no Hash object and no
 * buffer per id (the seed names every event so: 7-9 µs an id before, 1.3-2.9 µs now, on this machine).
 */
export function deterministicUuid(name: string): string {
  const hex = hash('sha1', name, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${VARIANT[parseInt(hex[16]!, 16) & 3]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
