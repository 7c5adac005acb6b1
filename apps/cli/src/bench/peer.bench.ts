import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { importEvents, PostgresEventStore, toTransferRecord, type NewEvent } from '@app/event-store';
import { percentiles, timed } from './percentiles';

/** The payload every contender writes: the same type, data and metadata, event for event. */
const payload = (i: number) => ({
  type: 'BenchEvent',
  data: { i, customerId: `c-${i % 1000}`, amount: '100.00', channel: 'phone', note: 'reached, interested in the 1-year deposit' },
  metadata: { eventId: randomUUID(), correlationId: 'bench', causationId: null, actor: 'bench', orgUnit: null, occurredAt: '2026-03-01T00:00:00.000Z', schemaVersion: 1 },
});
const batchOf = (start: number, n: number) => Array.from({ length: n }, (_, k) => payload(start + k));

const rate = (events: number, ms: number) => Math.round(events / (ms / 1000));
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export interface PeerBenchOptions {
  /** Events per batch-size run. */
  readonly events: number;
  readonly singles: number;
  /** Events in the stream read back whole. */
  readonly streamLength: number;
}

/**
 * Our Postgres store beside Emmett's (`@event-driven-io/emmett-postgresql`), on the same server in
 * one run, with the same payloads and batch sizes, and the server's own ceiling for the same rows:
 * `COPY … FROM STDIN` into a copy of our events table (same columns and indexes), no store logic.
 * Then `campaignctl import`'s path over the same events, against our batched append.
 */
export async function peerBench(ours: { pool: Pool; url: string }, emmett: { url: string }, o: PeerBenchOptions) {
  const store = new PostgresEventStore(ours.pool, { connectionString: ours.url });
  const peer = getPostgreSQLEventStore(emmett.url, { schema: { autoMigration: 'CreateOrUpdate' } });
  try {
    // Warm both up (Emmett creates its schema on first use; both prepare their statements).
    await store.appendToStream(`warm-${randomUUID()}`, batchOf(0, 10), 'no_stream');
    await peer.appendToStream(`warm-${randomUUID()}`, batchOf(0, 10), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });

    const ceiling = await copyCeiling(ours.pool, o.events);
    const batches: Record<string, unknown> = {};
    for (const size of [100, 1000]) {
      const [, oursMs] = await timed(async () => {
        for (let done = 0; done < o.events; done += size) await store.appendToStream(`b${size}-${randomUUID()}`, batchOf(done, Math.min(size, o.events - done)), 'no_stream');
      });
      const [, peerMs] = await timed(async () => {
        for (let done = 0; done < o.events; done += size) {
          await peer.appendToStream(`b${size}-${randomUUID()}`, batchOf(done, Math.min(size, o.events - done)), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
        }
      });
      const oursRate = rate(o.events, oursMs);
      const peerRate = rate(o.events, peerMs);
      batches[`batch${size}`] = { ours: oursRate, emmett: peerRate, vsEmmett: ratio(oursRate, peerRate), ofCeiling: ratio(oursRate, ceiling) };
    }

    const singles = { ours: [] as number[], emmett: [] as number[] };
    const streams = Array.from({ length: 20 }, () => ({ id: `s-${randomUUID()}`, ours: -1, emmett: -1 }));
    for (let i = 0; i < o.singles; i++) {
      const s = streams[i % streams.length]!;
      const [r, a] = await timed(() => store.appendToStream(s.id, [payload(i)], s.ours === -1 ? 'no_stream' : s.ours));
      s.ours = r.nextExpectedRevision;
      const [p, b] = await timed(() => peer.appendToStream(s.id, [payload(i)], { expectedStreamVersion: s.emmett === -1 ? STREAM_DOES_NOT_EXIST : BigInt(s.emmett) }));
      s.emmett = Number(p.nextExpectedStreamVersion);
      singles.ours.push(a);
      singles.emmett.push(b);
    }

    const long = `long-${randomUUID()}`;
    for (let done = 0; done < o.streamLength; done += 1000) {
      await store.appendToStream(long, batchOf(done, 1000), done === 0 ? 'no_stream' : done - 1);
      await peer.appendToStream(long, batchOf(done, 1000), { expectedStreamVersion: done === 0 ? STREAM_DOES_NOT_EXIST : BigInt(done) });
    }
    const reads = { ours: [] as number[], emmett: [] as number[] };
    for (let i = 0; i < 5; i++) {
      const [a, x] = await timed(() => store.readStream(long));
      const [b, y] = await timed(() => peer.readStream(long));
      if (a.length !== o.streamLength || b.events.length !== o.streamLength) throw new Error('a stream read came back short');
      reads.ours.push(x);
      reads.emmett.push(y);
    }

    const importRate = await importPath(ours.pool, ours.url, o.events);
    const batch1000 = batches.batch1000 as { ours: number };
    return {
      events: o.events,
      ceilingCopyEventsPerSecond: ceiling,
      ...batches,
      singleAppendMs: { ours: percentiles(singles.ours), emmett: percentiles(singles.emmett) },
      readStreamMs: { events: o.streamLength, ours: percentiles(reads.ours), emmett: percentiles(reads.emmett) },
      import: { eventsPerSecond: importRate, ofBatch1000: ratio(importRate, batch1000.ours) },
    };
  } finally {
    await peer.close();
  }
}

/** The server taking the same rows by COPY into a copy of our events table, with its indexes. */
async function copyCeiling(pool: Pool, events: number): Promise<number> {
  await pool.query(`DROP TABLE IF EXISTS bench_ceiling; CREATE TABLE bench_ceiling (LIKE es_events INCLUDING ALL)`);
  const rows = batchOf(0, events).map((e, k) => `ceiling-${Math.floor(k / 1000)}\t${k % 1000}\t${e.metadata.eventId}\t${e.type}\t${copyText(JSON.stringify(e.data))}\t${copyText(JSON.stringify(e.metadata))}\n`);
  const client = await pool.connect();
  try {
    const [, ms] = await timed(() =>
      pipeline(Readable.from(rows), client.query(copyFrom(`COPY bench_ceiling (stream_id, stream_position, event_id, type, data, metadata) FROM STDIN`))),
    );
    return rate(events, ms);
  } finally {
    client.release();
    await pool.query(`DROP TABLE bench_ceiling`);
  }
}

/** COPY's text format: a backslash is doubled (JSON text has no raw tabs or newlines). */
const copyText = (json: string) => json.replace(/\\/g, '\\\\');

/** `campaignctl import`'s path: an export file of `events` events over 1,000-event streams, imported into a fresh table space. */
async function importPath(pool: Pool, url: string, events: number): Promise<number> {
  const lines: string[] = [];
  for (let k = 0; k < events; k++) {
    const e = payload(k) as NewEvent;
    lines.push(JSON.stringify(toTransferRecord({ ...e, streamId: `imp-${Math.floor(k / 1000)}`, streamPosition: k % 1000, position: { commit: 1n, prepare: BigInt(k) }, recordedAt: '2026-03-01T00:00:00.000Z' })));
  }
  const text = `${lines.join('\n')}\n`;
  const store = new PostgresEventStore(pool, { connectionString: url });
  const [summary, ms] = await timed(() => importEvents(store, () => Readable.from([text]), { format: 'ndjson' }));
  if (summary.events !== events) throw new Error(`import appended ${summary.events} of ${events}`);
  return rate(events, ms);
}
