import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { WrongExpectedVersion } from '../errors';
import type {
  AllSubscription,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  StreamRead,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port';
import { START, type NewEvent, type Position, type RecordedEvent } from '../events';
import { PostgresAllSubscription } from './postgres-subscription';

export const NOTIFY_CHANNEL = 'es_events';
const UNIQUE_VIOLATION = '23505';

/** Events of many streams, as column arrays `unnest` turns into rows: one statement for any count. */
const INSERT_EVENTS = `
  INSERT INTO es_events (stream_id, stream_position, event_id, type, data, metadata)
  SELECT e.stream_id, e.stream_position, e.event_id, e.type, e.data, e.metadata
  FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY
    AS e(stream_id, stream_position, event_id, type, data, metadata, ord)
  ORDER BY e.ord`;

/**
 * How a single-stream append claims its revisions, by kind of expectation ($5 stream, $6 count,
 * $7 expected revision). Each returns the stream's new revision, or no row when the expectation fails.
 */
const CLAIM: Record<'any' | 'no_stream' | 'stream_exists' | 'exact', string> = {
  any: `INSERT INTO es_streams (stream_id, revision) VALUES ($5, $6 - 1)
        ON CONFLICT (stream_id) DO UPDATE SET revision = es_streams.revision + $6 RETURNING revision`,
  no_stream: `INSERT INTO es_streams (stream_id, revision) VALUES ($5, $6 - 1)
              ON CONFLICT (stream_id) DO NOTHING RETURNING revision`,
  stream_exists: `UPDATE es_streams SET revision = revision + $6 WHERE stream_id = $5 RETURNING revision`,
  exact: `UPDATE es_streams SET revision = revision + $6 WHERE stream_id = $5 AND revision = $7 RETURNING revision`,
};

/** One statement, so one implicit transaction: claim the revisions, insert with them, notify. */
const appendSql = (claim: string) => `
  WITH claim AS (${claim}),
  ins AS (
    INSERT INTO es_events (stream_id, stream_position, event_id, type, data, metadata)
    SELECT $5, claim.revision - $6 + e.ord, e.event_id, e.type, e.data, e.metadata
    FROM claim, unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[]) WITH ORDINALITY
      AS e(event_id, type, data, metadata, ord)
    ORDER BY e.ord
    RETURNING global_position, transaction_id)
  SELECT (SELECT revision FROM claim) AS revision,
         (SELECT max(global_position) FROM ins) AS global_position,
         (SELECT transaction_id::text FROM ins LIMIT 1) AS transaction_id,
         pg_notify('${NOTIFY_CHANNEL}', '')`;

/**
 * From this many events an append sends its rows by `COPY … FROM STDIN` (text format) in the
 * transaction that claims the revisions: no array literal to build and parse, each JSON document
 * read once by the server. Below it, one statement (`appendSql`) is quicker.
 */
const COPY_FROM = 500;

const COPY_EVENTS = `COPY es_events (stream_id, stream_position, event_id, type, data, metadata) FROM STDIN`;

/** What this transaction inserted: each stream's last global position (the visibility order is per transaction). */
const INSERTED_BY_THIS_TRANSACTION = `
  SELECT stream_id, max(global_position)::text AS global_position, pg_current_xact_id()::text AS transaction_id
  FROM es_events WHERE transaction_id = pg_current_xact_id() GROUP BY stream_id`;

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_position: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const EVENT_COLUMNS = `global_position, transaction_id::text AS transaction_id, stream_id, stream_position,
  event_id, type, data, metadata, recorded_at`;

export interface PostgresEventStoreOptions {
  /** Opens the dedicated connection a subscription LISTENs on. */
  readonly connectionString: string;
  /** Longest wait between polls when no notification arrives (ms). */
  readonly maxPollIntervalMs?: number;
  /** Lifts events stored in an old (or broken) shape to the current one, on every read. */
  readonly upcast?: (event: RecordedEvent) => RecordedEvent;
  /** Appends of at least this many events go by COPY (default 500; the contract suite also runs it at 1). */
  readonly copyFrom?: number;
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions,
  ) {}

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.emptyAppend(streamId, expected);
    const mode = typeof expected === 'number' ? 'exact' : expected;
    if (events.length >= (this.options.copyFrom ?? COPY_FROM)) return this.copyAppend(streamId, events, expected, mode);
    const params = [...eventColumns(events), streamId, events.length, ...(mode === 'exact' ? [expected] : [])];
    try {
      const { rows: result } = await this.pool.query(appendSql(CLAIM[mode]), params);
      const r = result[0];
      if (r.revision === null) return this.conflictOrRepeat(streamId, events, expected);
      return { nextExpectedRevision: Number(r.revision), position: toPosition(r.transaction_id, r.global_position) };
    } catch (err) {
      if (isDuplicateEventId(err)) return this.conflictOrRepeat(streamId, events, expected);
      throw err;
    }
  }

  /** `appendToStream` for a large batch: claim the revisions, COPY the rows, in one transaction. */
  private async copyAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, mode: keyof typeof CLAIM): Promise<AppendResult> {
    if (mode === 'exact' && !Number.isSafeInteger(expected)) throw new RangeError(`expected revision must be an integer, got ${String(expected)}`);
    const client = await this.pool.connect();
    try {
      // BEGIN and the claim in one round trip (a simple query: the values are quoted here).
      const claim = CLAIM[mode].replace(/\$5/g, client.escapeLiteral(streamId)).replace(/\$6/g, String(events.length)).replace(/\$7/g, String(expected));
      const [, claimed] = (await client.query(`BEGIN; ${claim}`)) as unknown as [unknown, { rows: { revision: string }[] }];
      if (!claimed.rows[0]) {
        await client.query('ROLLBACK');
        client.release();
        return this.conflictOrRepeat(streamId, events, expected);
      }
      const last = Number(claimed.rows[0].revision);
      await copyRows(client, events.map((event, i) => ({ streamId, offset: last - events.length + 1 + i, event })));
      // What was inserted, the notification and the commit: one round trip too.
      const [{ rows: inserted }] = (await client.query(`${INSERTED_BY_THIS_TRANSACTION}; SELECT pg_notify('${NOTIFY_CHANNEL}', ''); COMMIT`)) as unknown as [
        { rows: { global_position: string; transaction_id: string }[] },
      ];
      client.release();
      return { nextExpectedRevision: last, position: toPosition(inserted[0]!.transaction_id, inserted[0]!.global_position) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      if (isDuplicateEventId(err)) return this.conflictOrRepeat(streamId, events, expected);
      throw err;
    }
  }

  async appendToStreams(appends: readonly StreamAppend[], attempt = 1): Promise<AppendResult[]> {
    const nonEmpty = appends.filter((a) => a.events.length > 0);
    if (nonEmpty.length === 0) return Promise.all(appends.map((a) => this.emptyAppend(a.streamId, a.expectedRevision)));
    const ids = [...new Set(nonEmpty.map((a) => a.streamId))];
    if (ids.length !== nonEmpty.length) throw new RangeError('appendToStreams: a stream appears twice in one batch');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Lock the streams that exist, in a stable order so concurrent batches cannot deadlock.
      const { rows } = await client.query<{ stream_id: string; revision: string }>(
        `SELECT stream_id, revision FROM es_streams WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
        [ids],
      );
      const current = new Map(rows.map((r) => [r.stream_id, Number(r.revision)]));
      const plan = nonEmpty.map((a) => {
        const actual = current.has(a.streamId) ? current.get(a.streamId)! : null;
        if (!satisfies(a.expectedRevision, actual)) throw new WrongExpectedVersion(a.streamId, a.expectedRevision, actual);
        const first = actual === null ? 0 : actual + 1;
        return { append: a, first, last: first + a.events.length - 1 };
      });
      await client.query(
        `INSERT INTO es_streams (stream_id, revision) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision`,
        [plan.map((p) => p.append.streamId), plan.map((p) => p.last)],
      );
      const rowsToInsert = plan.flatMap((p) => p.append.events.map((event, i) => ({ streamId: p.append.streamId, offset: p.first + i, event })));
      let inserted: { stream_id: string; global_position: string; transaction_id: string }[];
      if (rowsToInsert.length >= (this.options.copyFrom ?? COPY_FROM)) {
        await copyRows(client, rowsToInsert);
        inserted = (await client.query<{ stream_id: string; global_position: string; transaction_id: string }>(INSERTED_BY_THIS_TRANSACTION)).rows;
      } else {
        inserted = (
          await client.query<{ stream_id: string; global_position: string; transaction_id: string }>(
            `${INSERT_EVENTS} RETURNING stream_id, global_position, transaction_id::text AS transaction_id`,
            toColumns(rowsToInsert),
          )
        ).rows;
      }
      await client.query(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`);
      await client.query('COMMIT');
      const lastByStream = new Map<string, Position>();
      for (const r of inserted) {
        const p = toPosition(r.transaction_id, r.global_position);
        const prev = lastByStream.get(r.stream_id);
        if (!prev || p.prepare > prev.prepare) lastByStream.set(r.stream_id, p);
      }
      const results = new Map(plan.map((p) => [p.append.streamId, { nextExpectedRevision: p.last, position: lastByStream.get(p.append.streamId)! }]));
      return Promise.all(appends.map((a) => results.get(a.streamId) ?? this.emptyAppend(a.streamId, a.expectedRevision)));
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isDuplicateEventId(err) || (isUniqueViolation(err) && !(err instanceof WrongExpectedVersion))) {
        // A concurrent writer created one of the streams, or these events were stored before.
        return this.retryBatchAfterRace(appends, err, attempt);
      }
      throw err;
    } finally {
      client.release();
    }
  }

  async readStream(streamId: string, fromRevision = 0): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_position >= $2 ORDER BY stream_position`,
      [streamId, fromRevision],
    );
    return rows.map(this.toEvent);
  }

  async readStreams(requests: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>> {
    // A stream asked for twice is read once (from the first revision asked), never folded twice.
    const first = new Map<string, number>();
    for (const r of requests) if (!first.has(r.streamId)) first.set(r.streamId, r.fromRevision ?? 0);
    const out = new Map<string, RecordedEvent[]>([...first.keys()].map((id) => [id, []]));
    if (first.size === 0) return out;
    // No ORDER BY: the server would sort every row of thousands of streams (spilling to disk at a
    // launch's size); each stream's few events are put in order here instead.
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
       JOIN unnest($1::text[], $2::bigint[]) AS wanted(wanted_stream, from_revision) ON stream_id = wanted_stream AND stream_position >= from_revision`,
      [[...first.keys()], [...first.values()]],
    );
    for (const row of rows) out.get(row.stream_id)!.push(this.toEvent(row));
    for (const events of out.values()) {
      if (events.some((e, i) => i > 0 && e.streamPosition < events[i - 1]!.streamPosition)) events.sort((a, b) => a.streamPosition - b.streamPosition);
    }
    return out;
  }

  private readonly toEvent = (row: EventRow): RecordedEvent => {
    const e = toRecorded(row);
    return this.options.upcast ? this.options.upcast(e) : e;
  };

  /**
   * Reads only transactions older than the oldest one still in flight: an event whose
   * transaction commits later than a higher-numbered one is held back, never skipped.
   */
  async readAll({ after = START, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.readAllWith(this.pool, after, maxCount);
  }

  async readAllWith(db: Pool | PoolClient | Client, after: Position, maxCount: number): Promise<RecordedEvent[]> {
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
       WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY es_events.transaction_id, es_events.global_position
       LIMIT $3`,
      [after.commit.toString(), after.prepare.toString(), maxCount],
    );
    return rows.map(this.toEvent);
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
   * append that succeeded (EventStoreDB's idempotent append); otherwise it is a real conflict.
   */
  private async conflictOrRepeat(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const ids = events.map((e) => e.metadata.eventId);
    const { rows } = await this.pool.query<{ n: string; stream_id: string; revision: string; transaction_id: string; global_position: string }>(
      `SELECT count(*) OVER () AS n, e.stream_id, s.revision, e.transaction_id::text AS transaction_id, e.global_position
       FROM es_events e JOIN es_streams s USING (stream_id) WHERE e.event_id = ANY($1::uuid[])
       ORDER BY e.global_position DESC LIMIT 1`,
      [ids],
    );
    const found = rows[0];
    if (found && Number(found.n) === ids.length && found.stream_id === streamId) {
      return { nextExpectedRevision: Number(found.revision), position: toPosition(found.transaction_id, found.global_position) };
    }
    throw new WrongExpectedVersion(streamId, expected, await this.revisionOf(streamId));
  }

  private async retryBatchAfterRace(appends: readonly StreamAppend[], cause: unknown, attempt: number): Promise<AppendResult[]> {
    const allIds = appends.flatMap((a) => a.events.map((e) => e.metadata.eventId));
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM es_events WHERE event_id = ANY($1::uuid[])`, [allIds]);
    if (Number(rows[0]!.n) === allIds.length) {
      return Promise.all(appends.map((a) => this.conflictOrRepeat(a.streamId, a.events, a.expectedRevision)));
    }
    for (const a of appends) {
      const actual = await this.revisionOf(a.streamId);
      if (!satisfies(a.expectedRevision, actual)) throw new WrongExpectedVersion(a.streamId, a.expectedRevision, actual);
    }
    // Every expectation still holds (`any` on a stream another batch created meanwhile): try again.
    if (attempt < 3) return this.appendToStreams(appends, attempt + 1);
    throw cause;
  }

  private async emptyAppend(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const actual = await this.revisionOf(streamId);
    if (!satisfies(expected, actual)) throw new WrongExpectedVersion(streamId, expected, actual);
    const head = await this.headPosition();
    return { nextExpectedRevision: actual ?? -1, position: head ?? START };
  }

  private async revisionOf(streamId: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ revision: string }>(`SELECT revision FROM es_streams WHERE stream_id = $1`, [streamId]);
    return rows[0] ? Number(rows[0].revision) : null;
  }
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

/** Event ids, types, data and metadata as four arrays, the parameters `unnest` takes. */
function eventColumns(events: readonly NewEvent[]): [string[], string[], string[], string[]] {
  return [
    events.map((e) => e.metadata.eventId),
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e.data)),
    events.map((e) => JSON.stringify(e.metadata)),
  ];
}

function toColumns(rows: readonly { streamId: string; offset: number; event: NewEvent }[]): unknown[] {
  return [rows.map((r) => r.streamId), rows.map((r) => r.offset), ...eventColumns(rows.map((r) => r.event))];
}

/** The rows in COPY's text format, streamed to the server in the client's open transaction. */
async function copyRows(client: PoolClient, rows: readonly { streamId: string; offset: number; event: NewEvent }[]): Promise<void> {
  const CHUNK = 500;
  const chunks = function* () {
    for (let i = 0; i < rows.length; i += CHUNK) {
      let text = '';
      for (const r of rows.slice(i, i + CHUNK)) {
        text += `${copyField(r.streamId)}\t${r.offset}\t${r.event.metadata.eventId}\t${copyField(r.event.type)}\t${copyField(JSON.stringify(r.event.data))}\t${copyField(JSON.stringify(r.event.metadata))}\n`;
      }
      yield text;
    }
  };
  await pipeline(Readable.from(chunks()), client.query(copyFrom(COPY_EVENTS)));
}

/** COPY text format: backslash, tab, newline and carriage return escaped (JSON text holds only backslashes of these). */
function copyField(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

function toPosition(transactionId: string, globalPosition: string): Position {
  return { commit: BigInt(transactionId), prepare: BigInt(globalPosition) };
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    type: row.type,
    data: row.data,
    metadata: row.metadata as unknown as RecordedEvent['metadata'],
    streamId: row.stream_id,
    streamPosition: Number(row.stream_position),
    position: toPosition(row.transaction_id, row.global_position),
    recordedAt: row.recorded_at.toISOString(),
  };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === UNIQUE_VIOLATION;
}

function isDuplicateEventId(err: unknown): boolean {
  return isUniqueViolation(err) && (err as { constraint?: string }).constraint === 'es_events_event_id_key';
}
