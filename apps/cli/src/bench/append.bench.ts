import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { NewEvent, PostgresEventStore } from '@app/event-store';
import { percentiles, timed } from './percentiles';

const event = (i: number): NewEvent => ({
  type: 'BenchEvent',
  data: { i, customerId: `c-${i % 1000}`, amount: '100.00' },
  metadata: { eventId: randomUUID(), correlationId: 'bench', causationId: null, actor: 'bench', orgUnit: null, occurredAt: '2026-03-01T00:00:00.000Z', schemaVersion: 1 },
});

/**
 * Append throughput against a ceiling measured in the same run: the server inserting the same
 * number of rows with `INSERT … SELECT … generate_series` into a copy of the events table with the
 * same indexes, with no client in the way.
 */
export async function appendBench(pool: Pool, store: PostgresEventStore, total: number, singles: number) {
  await pool.query(`DROP TABLE IF EXISTS bench_ceiling; CREATE TABLE bench_ceiling (LIKE es_events INCLUDING ALL)`);
  const [, ceilingMs] = await timed(() =>
    pool.query(
      `INSERT INTO bench_ceiling (stream_id, stream_position, event_id, type, data, metadata)
       SELECT 'ceiling-' || (i / 100), i % 100, gen_random_uuid(), 'BenchEvent',
              jsonb_build_object('i', i, 'customerId', 'c-' || (i % 1000), 'amount', '100.00'),
              jsonb_build_object('eventId', gen_random_uuid(), 'correlationId', 'bench', 'causationId', null, 'actor', 'bench', 'orgUnit', null,
                                 'occurredAt', '2026-03-01T00:00:00.000Z', 'schemaVersion', 1)
       FROM generate_series(0, $1 - 1) AS i`,
      [total],
    ),
  );
  await pool.query(`DROP TABLE bench_ceiling`);
  const ceiling = total / (ceilingMs / 1000);
  const batch = async (size: number) => {
    const [, ms] = await timed(async () => {
      for (let done = 0; done < total; done += size) {
        await store.appendToStream(`bench-${size}-${randomUUID()}`, Array.from({ length: Math.min(size, total - done) }, (_, i) => event(done + i)), 'no_stream');
      }
    });
    const rate = total / (ms / 1000);
    return { eventsPerSecond: Math.round(rate), fractionOfCeiling: Math.round((rate / ceiling) * 1000) / 1000 };
  };
  const batch100 = await batch(100);
  const batch1000 = await batch(1000);
  const latencies: number[] = [];
  const streams = Array.from({ length: 20 }, () => ({ id: `single-${randomUUID()}`, revision: -1 }));
  for (let i = 0; i < singles; i++) {
    const s = streams[i % streams.length]!;
    const [r, ms] = await timed(() => store.appendToStream(s.id, [event(i)], s.revision === -1 ? 'no_stream' : s.revision));
    s.revision = r.nextExpectedRevision;
    latencies.push(ms);
  }
  return { events: total, ceilingEventsPerSecond: Math.round(ceiling), batch100, batch1000, singleAppendMs: percentiles(latencies) };
}
