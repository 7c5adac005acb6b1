import { createHash } from 'node:crypto';
import type { EventStore } from '../event-store.port';
import type { ImportedEvent } from './format';
import { ImportConflict } from './transfer.errors';

// The import's look at the target store, between validating the file and appending: which of
// the file's events each stream already holds, and whether the rest can follow them.

/** A stream as the file has it, and what the store already holds of it. */
export interface StreamPlan {
  readonly line: number;
  readonly first: number;
  last: number;
  /** Revisions below this are in the store already; the file's events from here are appended. */
  appendFrom: number;
  /** Chained digest of the stored ids at revisions first..appendFrom-1, to check against the file's. */
  storedDigest: string | null;
}

const CHECK_CONCURRENCY = 4;
/** Streams per `readStreams` call. */
const CHECK_CHUNK = 500;

/**
 * Each stream must continue the store's: start right after its last event (or at 0 on a new
 * stream), or overlap events the store has that `verifyStoredOverlap` proves are the file's own. Returns the
 * conflict of the earliest line, if any.
 */
export async function checkAgainstStore(
  store: EventStore,
  streams: ReadonlyMap<string, StreamPlan>,
  onChecked?: (done: number) => void,
): Promise<ImportConflict | null> {
  const entries = [...streams.entries()];
  let done = 0;
  let conflict: ImportConflict | null = null;
  // Many streams per read (one query on Postgres), a few reads at a time.
  const chunks: (typeof entries)[] = [];
  for (let i = 0; i < entries.length; i += CHECK_CHUNK) chunks.push(entries.slice(i, i + CHECK_CHUNK));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const read = await store.readStreams(chunk.map(([streamId, s]) => ({ streamId, fromRevision: Math.max(s.first - 1, 0) })));
      for (const [streamId, s] of chunk) {
        const stored = read.get(streamId) ?? [];
        if (s.first > 0 && stored[0]?.streamPosition !== s.first - 1) {
          const found = new ImportConflict(s.line, streamId, `the file starts at revision ${s.first}, but the target store holds fewer than ${s.first} events of this stream`);
          if (!conflict || found.line < conflict.line) conflict = found;
          continue;
        }
        const overlap = stored.filter((e) => e.streamPosition >= s.first && e.streamPosition <= s.last);
        s.appendFrom = s.first + overlap.length;
        s.storedDigest = overlap.length > 0 ? overlap.reduce((d, e) => chain(d, e.metadata.eventId), '') : null;
      }
      done += chunk.length;
      onChecked?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, chunks.length) }, worker));
  onChecked?.(done);
  return conflict;
}

/**
 * Looks the file's new streams (those starting at revision 0) up in the store while validation
 * reads on, `CHECK_CHUNK` per query, a few queries at a time: the streams the store does not
 * hold (most of an import) need no look after validation. A stream found goes through
 * `checkAgainstStore` as before; so does every stream the file starts later than revision 0.
 */
export class StoreLookahead {
  private pending: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly found = new Set<string>();
  private failure: { readonly error: unknown } | null = null;

  constructor(private readonly store: EventStore) {}

  /** A stream the file starts at revision 0. */
  add(streamId: string): void {
    this.pending.push(streamId);
    if (this.pending.length >= CHECK_CHUNK) this.send();
  }

  /** Waits while `CHECK_CONCURRENCY` lookups are in flight (validation goes on meanwhile otherwise). */
  async room(): Promise<void> {
    while (this.inFlight.size >= CHECK_CONCURRENCY) await Promise.race(this.inFlight);
  }

  /** The streams of those added that the store holds (it fails if a lookup failed). */
  async held(): Promise<ReadonlySet<string>> {
    this.send();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure.error;
    return this.found;
  }

  /** Lets lookups still in flight end unobserved (validation refused the file). */
  abandon(): void {
    this.pending = [];
  }

  private send(): void {
    if (this.pending.length === 0) return;
    const ids = this.pending;
    this.pending = [];
    const lookup = this.store
      .readStreams(ids.map((streamId) => ({ streamId, fromRevision: 0 })))
      .then((read) => {
        for (const [id, events] of read) if (events.length > 0) this.found.add(id);
      })
      .catch((error: unknown) => void (this.failure ??= { error }))
      .finally(() => this.inFlight.delete(lookup));
    this.inFlight.add(lookup);
  }
}

/**
 * Only when the store holds some of the file: the overlapping ids must be the file's (`events`:
 * the validated events in file order, not the file read again).
 */
export async function verifyStoredOverlap(events: AsyncIterable<readonly ImportedEvent[]>, streams: ReadonlyMap<string, StreamPlan>): Promise<ImportConflict | null> {
  const digests = new Map<string, string>();
  for await (const group of events) {
    for (const { streamId, streamRevision, event } of group) {
      if (streamRevision < streams.get(streamId)!.appendFrom) digests.set(streamId, chain(digests.get(streamId) ?? '', event.metadata.eventId));
    }
  }
  for (const [streamId, s] of streams) {
    if (s.storedDigest !== null && digests.get(streamId) !== s.storedDigest) {
      return new ImportConflict(s.line, streamId, `the target store holds other events at revisions ${s.first}..${s.appendFrom - 1}`);
    }
  }
  return null;
}

function chain(digest: string, eventId: string): string {
  return createHash('sha256').update(digest).update(eventId.toLowerCase()).digest('base64');
}
