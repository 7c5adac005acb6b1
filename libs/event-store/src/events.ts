/**
 * The shapes every event has, whatever the store. Events are plain readonly data:
 * `{ type, data, metadata }`, as in Emmett and EventStoreDB.
 */
export interface EventMetadata {
  /** Unique id of the event; re-appending stored events is a no-op (how far back each store looks: `EventStore.appendToStream`). */
  readonly eventId: string;
  /** The request or process this event belongs to. */
  readonly correlationId: string;
  /** The command or event that caused this one. */
  readonly causationId: string | null;
  /** The acting user (staff id, or `system`). */
  readonly actor: string;
  /** The acting user's org unit, when there is one. */
  readonly orgUnit: string | null;
  /** Business time (ISO 8601): all as-of and period figures use it. */
  readonly occurredAt: string;
  /** Version of the `data` shape; upcasters lift old versions on read. */
  readonly schemaVersion: number;
  /** W3C trace context of the request or message that caused the event, when it had one. */
  readonly traceparent?: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/**
 * A place in the global order. Two numbers, as in EventStoreDB: in the Postgres store `commit`
 * is the writing transaction's id and `prepare` the event's global sequence number; events are
 * ordered by (commit, prepare), which is the order their transactions became visible.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: 0n, prepare: 0n });

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  readonly streamId: string;
  /** 0-based revision of the event inside its stream. */
  readonly streamPosition: number;
  readonly position: Position;
  /** Time the store accepted the event (ISO 8601). */
  readonly recordedAt: string;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Positions travel as `"<commit>/<prepare>"` in HTTP bodies, checkpoints and CLI flags. */
export function formatPosition(p: Position): string {
  return `${p.commit}/${p.prepare}`;
}

export function parsePosition(text: string): Position {
  const m = /^(\d{1,20})\/(\d{1,20})$/.exec(text.trim());
  if (!m) throw new RangeError(`not a position: ${JSON.stringify(text)} (expected "<commit>/<prepare>")`);
  return { commit: BigInt(m[1]!), prepare: BigInt(m[2]!) };
}
