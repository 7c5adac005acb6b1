import type { Pool, PoolClient } from 'pg';
import type { BusConsumer, BusMessage, ConsumeOptions, DeadLetter, DeliveredMessage, MessageBus } from '../message-bus.port';

interface MessageRow {
  transaction_id: string;
  offset: string;
  message_id: string;
  key: string;
  value: unknown;
  headers: Record<string, string>;
  published_at: Date;
}

/** Only what committed below the oldest transaction still in flight: a late commit is held back, never skipped. */
const READ = `
  SELECT m.transaction_id::text AS transaction_id, m."offset"::text AS "offset", m.message_id, m.key, m.value, m.headers, m.created_at AS published_at
  FROM mb_messages m
  WHERE m.topic = $1
    AND (m.transaction_id, m."offset") > COALESCE(
      (SELECT (o.transaction_id, o."offset") FROM mb_offsets o WHERE o.group_id = $2 AND o.topic = $1), ('0'::xid8, 0::bigint))
    AND m.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY m.transaction_id, m."offset"
  LIMIT $3`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The bus without a broker (embedded default): messages in a Postgres table, consumer groups with
 * committed positions. Publishing a message id twice to a topic stores it once. A group's consumer
 * takes a session advisory lock, so one process at a time consumes a topic for a group.
 *
 * Read order is (transaction id, offset), as in the event store: two publishers whose transactions
 * commit out of offset order lose nothing. A batch whose handler fails is tried again with growing
 * waits; when it keeps failing, its messages are handled one by one and each one that still fails
 * after `retry.attempts` goes to the dead-letter topic with the error (an error `isTransient` calls
 * an outage is never blamed on a message: it is tried again until it clears).
 */
export class PostgresMessageBus implements MessageBus {
  readonly kind = 'postgres' as const;
  private readonly stops = new Set<() => Promise<void>>();

  constructor(
    private readonly pool: Pool,
    private readonly options: { pollIntervalMs?: number; batchSize?: number } = {},
  ) {}

  /** Tables, not topics: nothing to prepare. */
  async ready(): Promise<void> {}

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const client = await this.pool.connect();
    try {
      await this.publishWith(client, topic, messages);
    } finally {
      client.release();
    }
  }

  /** Publishes inside the caller's transaction (an outbox written with the state it reports). */
  async publishWith(client: PoolClient, topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await client.query(
      `INSERT INTO mb_messages (topic, message_id, key, value, headers)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[]) ON CONFLICT (topic, message_id) DO NOTHING`,
      [topic, messages.map((m) => m.id), messages.map((m) => m.key), messages.map((m) => JSON.stringify(m.value)), messages.map((m) => JSON.stringify(m.headers ?? {}))],
    );
  }

  async consume(topic: string, groupId: string, handle: (batch: readonly DeliveredMessage[]) => Promise<void>, options: ConsumeOptions = {}): Promise<BusConsumer> {
    const lock = await this.pool.connect();
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [`mb:${groupId}:${topic}`]);
    const deadLetterTopic = options.deadLetterTopic ?? `${topic}.dlq`;
    const { attempts = 4, initialMs = 200, maxMs = 5_000 } = options.retry ?? {};
    const transient = options.isTransient ?? (() => false);
    const wait = (attempt: number) => Math.min(initialMs * 2 ** (attempt - 1), maxMs);
    let stopped = false;

    /** Tries `work` until it succeeds; false once it failed `attempts` times (a transient error never counts). */
    const tryHard = async (work: () => Promise<void>): Promise<{ ok: true } | { ok: false; error: unknown }> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await work();
          return { ok: true };
        } catch (error) {
          if (stopped) throw error;
          if (transient(error)) attempt = Math.min(attempt, attempts - 1);
          else if (attempt >= attempts) return { ok: false, error };
          await sleep(wait(attempt));
        }
      }
    };

    const commit = (row: MessageRow) =>
      this.pool.query(
        `INSERT INTO mb_offsets (group_id, topic, transaction_id, "offset") VALUES ($1, $2, $3::text::xid8, $4)
         ON CONFLICT (group_id, topic) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, "offset" = EXCLUDED."offset"`,
        [groupId, topic, row.transaction_id, row.offset],
      );

    const deliver = (r: MessageRow): DeliveredMessage => ({ topic, id: r.message_id, key: r.key, value: r.value, headers: r.headers, offset: r.offset, publishedAt: r.published_at.toISOString() });

    const loop = (async () => {
      while (!stopped) {
        const { rows } = await this.pool.query<MessageRow>(READ, [topic, groupId, this.options.batchSize ?? 500]);
        if (rows.length === 0) {
          await sleep(this.options.pollIntervalMs ?? 100);
          continue;
        }
        const batch = await tryHard(() => handle(rows.map(deliver)));
        if (!batch.ok) {
          // One message at a time: the ones that fit get through, the one at fault is set aside.
          for (const row of rows) {
            if (stopped) return;
            const one = await tryHard(() => handle([deliver(row)]));
            if (!one.ok) await this.publish(deadLetterTopic, [{ id: row.message_id, key: row.key, value: letter(topic, row, one.error, attempts) }]);
            await commit(row);
          }
          continue;
        }
        await commit(rows[rows.length - 1]!);
      }
    })();
    // A failed read or offset write (the database gone) ends the loop: say so, so the process exits.
    let fail!: (err: Error) => void;
    const failed = new Promise<Error>((resolve) => (fail = resolve));
    loop.catch((err: unknown) => stopped || fail(err instanceof Error ? err : new Error(String(err))));
    const stop = async () => {
      stopped = true;
      await loop.catch(() => undefined);
      await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`mb:${groupId}:${topic}`]).catch(() => undefined);
      lock.release();
      this.stops.delete(stop);
    };
    this.stops.add(stop);
    return { stop, failed };
  }

  async close(): Promise<void> {
    await Promise.all([...this.stops].map((s) => s()));
  }
}

function letter(topic: string, row: MessageRow, error: unknown, attempts: number): DeadLetter {
  const message = String((error as Error)?.message ?? error);
  return {
    message: { id: row.message_id, key: row.key, value: row.value, topic, offset: row.offset },
    reason: { code: 'PROCESSING_FAILED', message: `handling failed ${attempts} times: ${message}`, details: { attempts, error: message } },
    failedAt: new Date().toISOString(),
  };
}
