import type { Pool } from 'pg';
import type { BusConsumer, BusMessage, ConsumeOptions, DeliveredMessage, MessageBus } from '../message-bus.port';

/**
 * The bus without a broker (embedded default): messages in a Postgres table, consumer groups with
 * committed offsets. Publishing a message id twice to a topic stores it once. A group's consumer
 * takes a session advisory lock, so one process at a time consumes a topic for a group.
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
    await this.pool.query(
      `INSERT INTO mb_messages (topic, message_id, key, value, headers)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[]) ON CONFLICT (topic, message_id) DO NOTHING`,
      [topic, messages.map((m) => m.id), messages.map((m) => m.key), messages.map((m) => JSON.stringify(m.value)), messages.map((m) => JSON.stringify(m.headers ?? {}))],
    );
  }

  /** Values are jsonb and ids required: every message can be read, so `options` (a dead-letter topic) is not needed. */
  async consume(topic: string, groupId: string, handle: (batch: readonly DeliveredMessage[]) => Promise<void>, _options?: ConsumeOptions): Promise<BusConsumer> {
    const lock = await this.pool.connect();
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [`mb:${groupId}:${topic}`]);
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const { rows } = await this.pool.query(
          `SELECT m."offset"::text AS "offset", m.message_id, m.key, m.value, m.headers FROM mb_messages m
           WHERE m.topic = $1 AND m."offset" > COALESCE((SELECT "offset" FROM mb_offsets WHERE group_id = $2 AND topic = $1), 0)
           ORDER BY m."offset" LIMIT $3`,
          [topic, groupId, this.options.batchSize ?? 500],
        );
        if (rows.length === 0) {
          await new Promise((r) => setTimeout(r, this.options.pollIntervalMs ?? 100));
          continue;
        }
        try {
          await handle(rows.map((r) => ({ topic, id: r.message_id, key: r.key, value: r.value, headers: r.headers, offset: r.offset })));
        } catch {
          // Not committed: the same batch comes again (at least once), after a pause.
          await new Promise((r) => setTimeout(r, (this.options.pollIntervalMs ?? 100) * 5));
          continue;
        }
        await this.pool.query(
          `INSERT INTO mb_offsets (group_id, topic, "offset") VALUES ($1, $2, $3) ON CONFLICT (group_id, topic) DO UPDATE SET "offset" = EXCLUDED."offset"`,
          [groupId, topic, rows[rows.length - 1].offset],
        );
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
