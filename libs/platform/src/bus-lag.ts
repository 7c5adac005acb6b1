import type { Pool } from 'pg';
import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface ConsumerLag {
  readonly groupId: string;
  readonly topic: string;
  /** Messages published to the topic that the group has not committed yet. */
  readonly lag: number;
}

/** Consumer lag per group on the Postgres bus: messages after each group's committed offset. */
export function postgresBusLag(pool: Pool): () => Promise<ConsumerLag[]> {
  return async () => {
    const { rows } = await pool.query<{ group_id: string; topic: string; lag: string }>(
      `SELECT o.group_id, o.topic, (SELECT count(*) FROM mb_messages m WHERE m.topic = o.topic AND m."offset" > o."offset") AS lag
         FROM mb_offsets o ORDER BY o.group_id, o.topic`,
    );
    return rows.map((r) => ({ groupId: r.group_id, topic: r.topic, lag: Number(r.lag) }));
  };
}

/**
 * Consumer lag per group on Kafka, from the cluster's own bookkeeping (an admin client of its own):
 * per partition, the topic's high watermark minus the group's committed offset (the whole
 * partition when the group has committed nothing there yet).
 */
export function kafkaBusLag(brokers: readonly string[], groups: readonly string[]): { lag: () => Promise<ConsumerLag[]>; close: () => Promise<void> } {
  let admin: Promise<Admin> | undefined;
  const connected = () =>
    (admin ??= (async () => {
      const a = new Kafka({ clientId: 'campaign-platform-metrics', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      admin = undefined;
      throw err;
    }));
  return {
    async lag() {
      const a = await connected();
      const out: ConsumerLag[] = [];
      for (const groupId of groups) {
        for (const { topic, partitions } of await a.fetchOffsets({ groupId })) {
          const high = new Map((await a.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
          const lag = partitions.reduce((n, p) => {
            const committed = Number(p.offset);
            const end = high.get(p.partition) ?? 0;
            return n + Math.max(0, committed < 0 ? end : end - committed);
          }, 0);
          out.push({ groupId, topic, lag });
        }
      }
      return out;
    },
    async close() {
      await (await admin?.catch(() => undefined))?.disconnect();
    },
  };
}
