import type { ExpectedRevision } from './event-store.port';

/** The stream was not at the revision the writer expected: someone else wrote first. */
export class WrongExpectedVersion extends Error {
  override readonly name = 'WrongExpectedVersion';
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's revision found, or `null` when the stream does not exist. */
    readonly actual: number | null,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, found ${actual === null ? 'no stream' : actual}`);
  }
}

/**
 * The store's own failures, in the store's words (never a driver's error class): a stable `code`,
 * and whether the same call may succeed later (`transient`).
 */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  abstract readonly transient: boolean;
}

/** The stream was deleted (tombstoned): it can be neither read nor appended to again. */
export class StreamDeleted extends EventStoreError {
  override readonly name = 'StreamDeleted';
  readonly code = 'STREAM_DELETED';
  readonly transient = false;
  constructor(readonly streamId: string) {
    super(`stream ${streamId} has been deleted`);
  }
}

/** One append is larger than the store takes at once (EventStoreDB: 1 MiB by default, metadata included). */
export class AppendTooLarge extends EventStoreError {
  override readonly name = 'AppendTooLarge';
  readonly code = 'APPEND_TOO_LARGE';
  readonly transient = false;
  constructor(
    readonly streamId: string,
    /** Bytes the append measured, when known. */
    readonly size: number | null,
    /** Bytes the store takes in one append. */
    readonly limit: number,
  ) {
    super(`append to ${streamId} is too large${size === null ? '' : ` (${size} bytes)`}: the store takes at most ${limit} bytes per append`);
  }
}

/**
 * The store did not answer in time. An append may or may not have been stored: retrying the same
 * events (same ids, same expected revision) is safe, a repeat is recognised.
 */
export class StoreTimeout extends EventStoreError {
  override readonly name = 'StoreTimeout';
  readonly code = 'STORE_TIMEOUT';
  readonly transient = true;
  constructor(readonly operation: string, cause?: unknown) {
    super(`the event store did not answer ${operation} in time; an append may or may not have been stored (retrying it is safe)`, { cause });
  }
}

/** The store cannot be reached, or the node is not the leader (a cluster changing leader): try again. */
export class StoreUnavailable extends EventStoreError {
  override readonly name = 'StoreUnavailable';
  readonly code = 'STORE_UNAVAILABLE';
  readonly transient = true;
  constructor(readonly operation: string, cause?: unknown) {
    super(`the event store is unavailable (${operation}): ${(cause as Error)?.message || 'no connection'}`, { cause });
  }
}
