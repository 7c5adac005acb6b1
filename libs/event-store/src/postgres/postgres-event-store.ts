import { Client, DatabaseError, escapeLiteral, type Pool, type PoolClient } from 'pg';
import { WrongExpectedVersion } from '../errors';
import { checkAppendOrder } from '../event-store.port';
import type {
  AllSubscription,
  AppendOptions,
  AppendTransaction,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  StreamHeads,
  StreamRead,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port';
import { START, type NewEvent, type Position, type RecordedEvent } from '../events';
import { CLAIM_FAILED } from './1764000016160-event-store-claim.migration';
import { copyIn } from './copy-in-message';
import { rememberingLast } from './remembering-last';
import { PostgresAllSubscription } from './postgres-subscription';
import { PostgresRedaction } from './postgres-redaction';

export const NOTIFY_CHANNEL = 'es_events';
const UNIQUE_VIOLATION = '23505';
/** Attempts of an `any`/`stream_exists` append whose stream another writer created meanwhile (heads that exist are locked). */
const LOOSE_ATTEMPTS = 3;

/**
 * Every append, one stream or many, any size, is one message (`copyIn`): claim the streams' heads
 * (`es_claim`, which raises when an expectation fails), COPY the events in, answer where they
 * went, notify; one round trip, one transaction. The events cross as COPY text: each JSON
 * document is parsed once by the server, with no statement or array literal around it.
 */
const appendSql = (claim: string, answer: string) => `SELECT ${claim};
COPY es_events (stream_id, stream_position, event_id, type, data, metadata) FROM STDIN;
${answer};
NOTIFY ${NOTIFY_CHANNEL}`;

/** Where one stream's events went: the sequence's last value is its last event's position. */
const ONE_STREAM_WENT = `SELECT NULL, pg_current_xact_id()::text, lastval()::text`;
/** Where each stream's events went (positions of concurrent transactions interleave). */
const STREAMS_WENT = `SELECT stream_id, pg_current_xact_id()::text, max(global_position)::text
  FROM es_events WHERE transaction_id = pg_current_xact_id() GROUP BY stream_id`;

/** A stream's events: its id is known (and the event id is in the metadata). */
const STREAM_EVENT_COLUMNS = `global_position, transaction_id::text AS transaction_id, stream_position,
  type, data, metadata, floor(extract(epoch FROM recorded_at) * 1000)::int8 AS recorded_ms`;
const EVENT_COLUMNS = `stream_id, ${STREAM_EVENT_COLUMNS}`;
/**
 * `STREAM_EVENT_COLUMNS` as an array row (`rowMode: 'array'`); `recordedMs` is `recorded_at` in whole milliseconds
 * since 1970 (as `Date` keeps it): a number is read far faster than a timestamp's text.
 */
type StreamEventCells = [globalPosition: string, transactionId: string, streamPosition: string, type: string, data: unknown, metadata: Record<string, unknown>, recordedMs: string];
/** `EVENT_COLUMNS` as an array row. */
type EventCells = [streamId: string, ...StreamEventCells];
const READ_STREAM_SQL = `SELECT ${STREAM_EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_position >= $2 ORDER BY stream_position`;
/**
 * `readAll`: only transactions older than the oldest one still in flight (an event whose transaction
 * commits later than a higher-numbered one is held back, never skipped).
 */
const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events
  WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY es_events.transaction_id, es_events.global_position
  LIMIT $3`;

export interface PostgresEventStoreOptions {
  /** Opens the dedicated connection a subscription LISTENs on. */
  readonly connectionString: string;
  /** Longest wait between polls when no notification arrives (ms). */
  readonly maxPollIntervalMs?: number;
  /** Lifts events stored in an old (or broken) shape to the current one, on every read. */
  readonly upcast?: (event: RecordedEvent) => RecordedEvent;
}


/**
 * The appends that carry events (a stream twice in one batch is refused) and the caller's order
 * over them: an empty append is named by no entry of `order`.
 */
function appendPlan(appends: readonly StreamAppend[], options: AppendOptions): { nonEmpty: StreamAppend[]; order: number[] | undefined } {
  const nonEmpty = appends.filter((a) => a.events.length > 0);
  if (nonEmpty.length === 0) return { nonEmpty, order: undefined };
  if (new Set(nonEmpty.map((a) => a.streamId)).size !== nonEmpty.length) throw new RangeError('appendToStreams: a stream appears twice in one batch');
  if (!options.order) return { nonEmpty, order: undefined };
  checkAppendOrder(appends, options.order);
  const planIndex: number[] = [];
  let n = 0;
  for (const a of appends) planIndex.push(a.events.length > 0 ? n++ : -1);
  return { nonEmpty, order: options.order.map((k) => planIndex[k]!) };
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  readonly redaction = new PostgresRedaction();

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions,
  ) {}

  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.appendOne(streamId, events, expected, 1);
  }

  private async appendOne(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, attempt: number): Promise<AppendResult> {
    if (events.length === 0) return this.emptyAppend(streamId, expected);
    try {
      return (await this.write([{ streamId, events, expectedRevision: expected }])).get(streamId)!;
    } catch (err) {
      if (isClaimFailure(err) || isDuplicateEventId(err)) return this.conflictOrRepeat(streamId, events, expected, isClaimFailure(err) ? attempt : LOOSE_ATTEMPTS);
      throw err;
    }
  }

  async appendToStreams(appends: readonly StreamAppend[], options: AppendOptions = {}, attempt = 1): Promise<AppendResult[]> {
    const { nonEmpty, order } = appendPlan(appends, options);
    if (nonEmpty.length === 0) return Promise.all(appends.map((a) => this.emptyAppend(a.streamId, a.expectedRevision)));
    let results: Map<string, AppendResult>;
    try {
      results = await this.write(nonEmpty, order);
    } catch (err) {
      // A concurrent writer moved or created one of the streams, or these events were stored before.
      if (isClaimFailure(err) || isUniqueViolation(err)) return this.retryBatchAfterRace(appends, options, err, attempt);
      throw err;
    }
    return Promise.all(appends.map((a) => results.get(a.streamId) ?? this.emptyAppend(a.streamId, a.expectedRevision)));
  }

  /**
   * The one message of an append. `no_stream` and exact expectations go as they are. A batch with
   * an `any`/`stream_exists` stream first locks its streams' heads and reads them (the events'
   * revisions go in the COPY data), then sends the message in that transaction: two round trips.
   */
  private async write(appends: readonly StreamAppend[], order?: readonly number[]): Promise<Map<string, AppendResult>> {
    if (appends.every((a) => typeof a.expectedRevision === 'number' || a.expectedRevision === 'no_stream')) return this.send(this.pool, appends, new Map(), '', order);
    const client = await this.pool.connect();
    try {
      // All the batch's streams, in id order (as es_claim locks them), so concurrent batches cannot deadlock.
      const [, locked] = (await client.query(
        `BEGIN; SELECT stream_id, revision FROM es_streams WHERE stream_id = ANY (${textArray(appends.map((a) => a.streamId))}) ORDER BY stream_id FOR UPDATE`,
      )) as unknown as [unknown, { rows: { stream_id: string; revision: string }[] }];
      const written = await this.send(client, appends, new Map(locked.rows.map((r) => [r.stream_id, Number(r.revision)])), ';\nCOMMIT', order);
      client.release();
      return written;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw err;
    }
  }

  private async send(db: Pool | PoolClient, appends: readonly StreamAppend[], heads: ReadonlyMap<string, number>, then: string, order?: readonly number[]): Promise<Map<string, AppendResult>> {
    const plan = appends.map((a) => {
      const expected = exactExpectation(a, heads.get(a.streamId) ?? null);
      return { append: a, first: expected + 1, last: expected + a.events.length, expected };
    });
    const claim = `es_claim(${textArray(plan.map((p) => p.append.streamId))}, '{${plan.map((p) => p.expected).join(',')}}', '{${plan.map((p) => p.last).join(',')}}')`;
    const went = await copyIn(db, appendSql(claim, plan.length === 1 ? ONE_STREAM_WENT : STREAMS_WENT) + then, () => copyRows(plan, order));
    const positions = new Map(went.map(([stream, commit, prepare]) => [stream ?? plan[0]!.append.streamId, toPosition(commit!, prepare!)]));
    return new Map(plan.map((p) => [p.append.streamId, { nextExpectedRevision: p.last, position: positions.get(p.append.streamId)! }]));
  }

  /**
   * One database transaction on a pool connection of its own: each `appendToStreams` is the
   * usual one message (claim the heads, COPY the events in) without the answer of where the
   * events went (it would scan every event the transaction wrote so far) and without the commit;
   * `commit` notifies and commits. See `EventStore.beginAppends` for what an open one holds back.
   */
  async beginAppends(): Promise<AppendTransaction> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
    return new PostgresAppendTransaction(client);
  }

  /**
   * A named statement (parsed and planned once per connection) whose rows come as arrays, in
   * `STREAM_EVENT_COLUMNS` order: no object keyed by column names per row, no row copy.
   * (10,000-event stream, side by side on one server: p50 315 -> 196 ms.)
   */
  async readStream(streamId: string, fromRevision = 0): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<StreamEventCells>({ name: 'es_read_stream', text: READ_STREAM_SQL, values: [streamId, fromRevision], rowMode: 'array' });
    const out = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.fromCells(streamId, rows[i]!);
    return out;
  }

  /** An event from its row's `STREAM_EVENT_COLUMNS` cells (from index 1 when they follow the stream id, as `EVENT_COLUMNS`'s do). */
  private fromCells(streamId: string, cells: StreamEventCells | EventCells, at = 0): RecordedEvent {
    const e: RecordedEvent = {
      type: cells[at + 3] as string,
      data: cells[at + 4],
      metadata: cells[at + 5] as unknown as RecordedEvent['metadata'],
      streamId,
      streamPosition: Number(cells[at + 2]),
      position: toPosition(cells[at + 1] as string, cells[at] as string),
      recordedAt: recordedAtOf(cells[at + 6] as string),
    };
    return this.options.upcast ? this.options.upcast(e) : e;
  }

  async readStreams(requests: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>> {
    // A stream asked for twice is read once (from the first revision asked), never folded twice.
    const first = new Map<string, number>();
    for (const r of requests) if (!first.has(r.streamId)) first.set(r.streamId, r.fromRevision ?? 0);
    const out = new Map<string, RecordedEvent[]>([...first.keys()].map((id) => [id, []]));
    if (first.size === 0) return out;
    // No ORDER BY: the server would sort every row of thousands of streams (spilling to disk at a
    // launch's size); each stream's few events are put in order here instead.
    const { rows } = await this.pool.query<EventCells>({
      text: `SELECT ${EVENT_COLUMNS} FROM es_events
       JOIN unnest($1::text[], $2::bigint[]) AS wanted(wanted_stream, from_revision) ON stream_id = wanted_stream AND stream_position >= from_revision`,
      values: [[...first.keys()], [...first.values()]],
      rowMode: 'array',
    });
    for (const cells of rows) out.get(cells[0])!.push(this.fromCells(cells[0], cells, 1));
    for (const events of out.values()) {
      if (events.some((e, i) => i > 0 && e.streamPosition < events[i - 1]!.streamPosition)) events.sort((a, b) => a.streamPosition - b.streamPosition);
    }
    return out;
  }

  async streamHeadsSince(streamIds: readonly string[], after: Position): Promise<StreamHeads> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const heads = await client.query<{ stream_id: string; revision: string }>(
        `SELECT s.stream_id, s.revision FROM unnest($1::text[]) AS wanted(stream_id) JOIN es_streams s USING (stream_id)`,
        [streamIds],
      );
      // Every committed event after the position, whether or not the global order shows it yet
      // (`readAll` waits for older transactions still in flight): a read model at `after` has none of them.
      const changed = await client.query<{ stream_id: string }>(
        `SELECT DISTINCT stream_id FROM es_events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)`,
        [after.commit.toString(), after.prepare.toString()],
      );
      await client.query('COMMIT');
      const wanted = new Set(streamIds);
      return {
        revisions: new Map(heads.rows.map((r) => [r.stream_id, Number(r.revision)])),
        changedAfter: new Set(changed.rows.map((r) => r.stream_id).filter((id) => wanted.has(id))),
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * The log in order from `after`, held back at the oldest transaction in flight (`READ_ALL_SQL`). A named
   * statement whose rows come as arrays, as `readStream`'s (a rebuild reads the whole log this way).
   */
  async readAll({ after = START, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.readAllWith(this.pool, after, maxCount);
  }

  async readAllWith(db: Pool | PoolClient | Client, after: Position, maxCount: number): Promise<RecordedEvent[]> {
    const { rows } = await db.query<EventCells>({ name: 'es_read_all', text: READ_ALL_SQL, values: [after.commit.toString(), after.prepare.toString(), maxCount], rowMode: 'array' });
    const out = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.fromCells(rows[i]![0], rows[i]!, 1);
    return out;
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    return new PostgresAllSubscription(
      (after, max) => this.readAll({ after, maxCount: max }),
      () => new Client({ connectionString: this.options.connectionString }),
      NOTIFY_CHANNEL,
      { ...options, maxPollIntervalMs: this.options.maxPollIntervalMs },
    );
  }

  async headPosition(): Promise<Position | null> {
    const { rows } = await this.pool.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id::text AS transaction_id, global_position FROM es_events
       ORDER BY es_events.transaction_id DESC, es_events.global_position DESC LIMIT 1`,
    );
    return rows[0] ? toPosition(rows[0].transaction_id, rows[0].global_position) : null;
  }

  async close(): Promise<void> {
    // The pool belongs to whoever made it; subscriptions close their own connections.
  }

  /**
   * The append did not go through. If every event in it is already stored, it is a repeat of an
   * append that succeeded (EventStoreDB's idempotent append); if the expectation still holds (an
   * `any` stream another writer created meanwhile), it is tried again; otherwise it is
   * a real conflict.
   */
  private async conflictOrRepeat(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, attempt: number): Promise<AppendResult> {
    const ids = events.map((e) => e.metadata.eventId);
    const { rows } = await this.pool.query<{ n: string; stream_id: string; revision: string; transaction_id: string; global_position: string }>(
      `SELECT count(*) OVER () AS n, e.stream_id, s.revision, e.transaction_id::text AS transaction_id, e.global_position
       FROM es_events e JOIN es_streams s USING (stream_id) WHERE e.event_id = ANY($1::uuid[])
       ORDER BY e.global_position DESC LIMIT 1`,
      [ids],
    );
    const found = rows[0];
    if (found && Number(found.n) === ids.length && found.stream_id === streamId) {
      return { nextExpectedRevision: Number(found.revision), position: toPosition(found.transaction_id, found.global_position), repeated: true };
    }
    const actual = await this.revisionOf(streamId);
    if (!found && typeof expected === 'string' && satisfies(expected, actual) && attempt < LOOSE_ATTEMPTS) return this.appendOne(streamId, events, expected, attempt + 1);
    throw new WrongExpectedVersion(streamId, expected, actual);
  }

  private async retryBatchAfterRace(appends: readonly StreamAppend[], options: AppendOptions, cause: unknown, attempt: number): Promise<AppendResult[]> {
    const allIds = appends.flatMap((a) => a.events.map((e) => e.metadata.eventId));
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM es_events WHERE event_id = ANY($1::uuid[])`, [allIds]);
    if (Number(rows[0]!.n) === allIds.length) {
      return Promise.all(appends.map((a) => this.conflictOrRepeat(a.streamId, a.events, a.expectedRevision, LOOSE_ATTEMPTS)));
    }
    const heads = await this.revisionsOf(appends.map((a) => a.streamId));
    for (const a of appends) {
      const actual = heads.get(a.streamId) ?? null;
      if (!satisfies(a.expectedRevision, actual)) throw new WrongExpectedVersion(a.streamId, a.expectedRevision, actual);
    }
    // Every expectation still holds (`any` on a stream another batch created meanwhile): try again.
    if (attempt < LOOSE_ATTEMPTS) return this.appendToStreams(appends, options, attempt + 1);
    throw cause;
  }

  private async emptyAppend(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const actual = await this.revisionOf(streamId);
    if (!satisfies(expected, actual)) throw new WrongExpectedVersion(streamId, expected, actual);
    const head = await this.headPosition();
    return { nextExpectedRevision: actual ?? -1, position: head ?? START };
  }

  private async revisionOf(streamId: string): Promise<number | null> {
    return (await this.revisionsOf([streamId])).get(streamId) ?? null;
  }

  /** The heads of the streams that exist. */
  private async revisionsOf(streamIds: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ stream_id: string; revision: string }>(`SELECT stream_id, revision FROM es_streams WHERE stream_id = ANY($1::text[])`, [streamIds]);
    return new Map(rows.map((r) => [r.stream_id, Number(r.revision)]));
  }
}

/** See `PostgresEventStore.beginAppends`. */
class PostgresAppendTransaction implements AppendTransaction {
  private client: PoolClient | null;
  /** The connection failed or an append failed: only a rollback is left (and the connection is not reused). */
  private broken: Error | null = null;

  constructor(client: PoolClient) {
    this.client = client;
    client.on('error', this.onError);
  }

  private readonly onError = (err: Error) => void (this.broken ??= err);

  async appendToStreams(appends: readonly StreamAppend[], options: AppendOptions = {}): Promise<void> {
    const client = this.open();
    const { nonEmpty, order } = appendPlan(appends, options);
    if (nonEmpty.length === 0) return;
    const plan = nonEmpty.map((a) => {
      if (typeof a.expectedRevision !== 'number' && a.expectedRevision !== 'no_stream') throw new RangeError(`an append transaction takes exact expectations only, got ${a.expectedRevision}`);
      const expected = exactExpectation(a, null);
      return { append: a, first: expected + 1, last: expected + a.events.length, expected };
    });
    const claim = `es_claim(${textArray(plan.map((p) => p.append.streamId))}, '{${plan.map((p) => p.expected).join(',')}}', '{${plan.map((p) => p.last).join(',')}}')`;
    try {
      await copyIn(client, `SELECT ${claim};\nCOPY es_events (stream_id, stream_position, event_id, type, data, metadata) FROM STDIN`, () => copyRows(plan, order));
    } catch (err) {
      // The server aborted the transaction: nothing of it can be committed any more.
      this.broken ??= err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  async commit(): Promise<void> {
    const client = this.open();
    try {
      await client.query(`NOTIFY ${NOTIFY_CHANNEL}; COMMIT`);
    } catch (err) {
      this.end(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    this.end(null);
  }

  async rollback(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (this.broken && !isServerError(this.broken)) {
      // The connection itself failed: the server rolls back when it sees it gone; it is not reused.
      this.end(this.broken);
      return;
    }
    try {
      await client.query('ROLLBACK');
      this.end(null);
    } catch (err) {
      this.end(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private open(): PoolClient {
    if (!this.client) throw new Error('the append transaction has ended');
    if (this.broken) throw this.broken;
    return this.client;
  }

  private end(failure: Error | null): void {
    const client = this.client;
    if (!client) return;
    this.client = null;
    client.off('error', this.onError);
    client.release(failure ?? undefined);
  }
}

/** An error the server answered (the connection is fine; the transaction may be aborted). */
function isServerError(err: unknown): boolean {
  return err instanceof DatabaseError;
}

export function satisfies(expected: ExpectedRevision, actual: number | null): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === null;
    case 'stream_exists':
      return actual !== null;
    default:
      return actual === expected;
  }
}

/** The revision a stream must be at, -1 for none: loose expectations resolved against the head read (`actual`). */
function exactExpectation(a: StreamAppend, actual: number | null): number {
  const expected = a.expectedRevision;
  if (typeof expected === 'number') {
    // It goes into the statement's text: only a revision there can be.
    if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`expected revision must be an integer >= 0, got ${String(expected)}`);
    return expected;
  }
  if (expected === 'no_stream') return -1;
  if (!satisfies(expected, actual)) throw new WrongExpectedVersion(a.streamId, expected, actual);
  return actual ?? -1;
}

/** A text[] literal for a statement sent without parameters. */
function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(escapeLiteral).join(',')}]::text[]`;
}

/**
 * The events in COPY's text format, one row at a time: stream after stream, or in `order` (per
 * event, the index of its stream's entry in `plan`).
 */
function* copyRows(plan: readonly { append: StreamAppend; first: number }[], order?: readonly number[]): Iterable<string> {
  const streams = plan.map((p) => copyField(p.append.streamId));
  const row = (k: number, i: number) => {
    const e = plan[k]!.append.events[i]!;
    return `${streams[k]}\t${plan[k]!.first + i}\t${copyField(e.metadata.eventId)}\t${copyField(e.type)}\t${copyJson(JSON.stringify(e.data))}\t${copyJson(JSON.stringify(e.metadata))}\n`;
  };
  if (order) {
    const next = plan.map(() => 0);
    for (const k of order) yield row(k, next[k]!++);
    return;
  }
  for (let k = 0; k < plan.length; k++) for (let i = 0; i < plan[k]!.append.events.length; i++) yield row(k, i);
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
function copyField(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

/** JSON.stringify's text in COPY's text format: it has no raw tab, newline or carriage return (they are escaped in JSON), so only its backslashes are doubled, and most text has none. */
function copyJson(json: string): string {
  return json.indexOf('\\') === -1 ? json : json.replaceAll('\\', '\\\\');
}

function toPosition(transactionId: string, globalPosition: string): Position {
  return { commit: commitOf(transactionId), prepare: BigInt(globalPosition) };
}

/** A transaction id as a position's `commit`. */
const commitOf = rememberingLast(BigInt);
/** `recorded_ms` (whole milliseconds since 1970) as ISO 8601 text: `toISOString` costs about as much as parsing an event's metadata. */
const recordedAtOf = rememberingLast((ms) => new Date(Number(ms)).toISOString());

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === UNIQUE_VIOLATION;
}

function isClaimFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === CLAIM_FAILED;
}

function isDuplicateEventId(err: unknown): boolean {
  return isUniqueViolation(err) && (err as { constraint?: string }).constraint === 'es_events_event_id_key';
}
