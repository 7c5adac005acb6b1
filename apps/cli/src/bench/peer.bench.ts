import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { checkEventData, currentSchemaVersion } from '@app/domain';
import { importEvents, PostgresEventStore, toTransferRecord, type NewEvent } from '@app/event-store';
import { percentiles, timed } from './percentiles';

/**
 * The payload every contender writes: the same type, data and metadata, event for event. A type of
 * the event catalogue, so the import path runs the same data checks as `campaignctl import`.
 */
const payload = (i: number): NewEvent<string, Record<string, string>> => ({
  type: 'OfferPresented',
  data: { offerId: `o-${i}`, customerId: `c-${i % 1000}`, staffId: 's-17', productCode: 'TD-1Y-3.5', campaignId: 'K2' },
  metadata: { eventId: randomUUID(), correlationId: 'bench', causationId: null, actor: 'bench', orgUnit: null, occurredAt: '2026-03-01T00:00:00.000Z', schemaVersion: currentSchemaVersion('OfferPresented') },
});
const batchOf = (start: number, n: number) => Array.from({ length: n }, (_, k) => payload(start + k));
/** Batches built before the clock starts: what is timed is the store's work, not the bench's. */
const batchesOf = (prefix: string, events: number, size: number) =>
  Array.from({ length: Math.ceil(events / size) }, (_, k) => ({ streamId: `${prefix}-${randomUUID()}`, events: batchOf(k * size, Math.min(size, events - k * size)) }));

const rate = (events: number, ms: number) => Math.round(events / (ms / 1000));
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
/** Turns each contender takes per batch size. */
const ROUNDS = 5;

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
 * Then `campaignctl import`'s path over the same events, against our batched append: once after
 * the batch runs, and in turns with batches of 1,000.
 */
export async function peerBench(ours: { pool: Pool; url: string }, emmett: { url: string }, o: PeerBenchOptions) {
  const store = new PostgresEventStore(ours.pool, { connectionString: ours.url });
  const peer = getPostgreSQLEventStore(emmett.url, { schema: { autoMigration: 'CreateOrUpdate' } });
  try {
    // Warm both up (Emmett creates its schema on first use; both prepare their statements).
    await store.appendToStream(`warm-${randomUUID()}`, batchOf(0, 10), 'no_stream');
    await peer.appendToStream(`warm-${randomUUID()}`, batchOf(0, 10), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });

    // Rounds in turn (ceiling, ours, Emmett), so load from the rest of the machine falls on all three alike.
    const batches: Record<string, unknown> = {};
    for (const size of [100, 1000]) {
      const ms = { ceiling: 0, ours: 0, emmett: 0 };
      const perRound = Math.ceil(o.events / ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        const n = Math.min(perRound, o.events - round * perRound);
        ms.ceiling += await copyCeiling(ours.pool, batchesOf(`ceiling${size}`, n, size));
        const mine = batchesOf(`b${size}`, n, size);
        ms.ours += (await timed(async () => {
          for (const b of mine) await store.appendToStream(b.streamId, b.events, 'no_stream');
        }))[1];
        const theirs = batchesOf(`b${size}`, n, size);
        ms.emmett += (await timed(async () => {
          for (const b of theirs) await peer.appendToStream(b.streamId, b.events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
        }))[1];
      }
      const [ceiling, oursRate, peerRate] = [rate(o.events, ms.ceiling), rate(o.events, ms.ours), rate(o.events, ms.emmett)];
      batches[`batch${size}`] = { ours: oursRate, emmett: peerRate, ceiling, vsEmmett: ratio(oursRate, peerRate), ofCeiling: ratio(oursRate, ceiling) };
    }

    const singles = { ours: [] as number[], emmett: [] as number[] };
    const streams = Array.from({ length: 20 }, () => ({ id: `s-${randomUUID()}`, ours: -1, emmett: -1 }));
    for (let i = 0; i < o.singles; i++) {
      const s = streams[i % streams.length]!;
      const [mine, theirs] = [[payload(i)], [payload(i)]];
      const [r, a] = await timed(() => store.appendToStream(s.id, mine, s.ours === -1 ? 'no_stream' : s.ours));
      s.ours = r.nextExpectedRevision;
      const [p, b] = await timed(() => peer.appendToStream(s.id, theirs, { expectedStreamVersion: s.emmett === -1 ? STREAM_DOES_NOT_EXIST : BigInt(s.emmett) }));
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

    const imported = await importPath(ours.pool, ours.url, o.events, 'contiguous');
    const interleaved = await importPath(ours.pool, ours.url, o.events, 'interleaved');
    const inTurns = await importInTurns(store, ours.pool, ours.url, o.events, ROUNDS_IN_TURNS);
    const batch1000 = batches.batch1000 as { ours: number };
    return {
      events: o.events,
      ...batches,
      singleAppendMs: { ours: percentiles(singles.ours), emmett: percentiles(singles.emmett) },
      readStreamMs: { events: o.streamLength, ours: percentiles(reads.ours), emmett: percentiles(reads.emmett) },
      import: { ...imported, ofBatch1000: ratio(imported.eventsPerSecond, batch1000.ours) },
      importInterleaved: { ...interleaved, ofBatch1000: ratio(interleaved.eventsPerSecond, batch1000.ours) },
      importInTurns: inTurns,
    };
  } finally {
    await peer.close();
  }
}

/**
 * The server's ceiling for the same rows: each batch a bare `COPY … FROM STDIN` (its own
 * transaction) into our events table itself, with its indexes and defaults, the text built
 * before the clock starts. No claim, no answer, no notification, no client work. Milliseconds.
 */
async function copyCeiling(pool: Pool, batches: readonly { streamId: string; events: readonly NewEvent[] }[]): Promise<number> {
  const texts = batches.map((b) =>
    b.events.map((e, k) => `${b.streamId}\t${k}\t${e.metadata.eventId}\t${e.type}\t${copyText(JSON.stringify(e.data))}\t${copyText(JSON.stringify(e.metadata))}\n`).join(''),
  );
  const client = await pool.connect();
  try {
    const [, ms] = await timed(async () => {
      for (const text of texts) await pipeline(Readable.from([text]), client.query(copyFrom(`COPY es_events (stream_id, stream_position, event_id, type, data, metadata) FROM STDIN`)));
    });
    return ms;
  } finally {
    client.release();
  }
}

/** COPY's text format: a backslash is doubled (JSON text has no raw tabs or newlines). */
const copyText = (json: string) => json.replace(/\\/g, '\\\\');

/** Turns of `importInTurns`. */
const ROUNDS_IN_TURNS = 3;

/**
 * The import (streams together) and our batches of 1,000 over the same number of new events, in
 * turns: each round appends the batches, then imports a file; the load of the rest of the machine
 * falls on both alike (the figures above take the import once, after every batch run).
 */
async function importInTurns(store: PostgresEventStore, pool: Pool, url: string, events: number, rounds: number) {
  const ms = { batch1000: 0, import: 0 };
  for (let round = 0; round < rounds; round++) {
    const mine = batchesOf('turn1000', events, 1000);
    ms.batch1000 += (await timed(async () => {
      for (const b of mine) await store.appendToStream(b.streamId, b.events, 'no_stream');
    }))[1];
    ms.import += (await importPath(pool, url, events, 'contiguous', `turn${round}-`)).ms;
  }
  const [batch1000, imported] = [rate(events * rounds, ms.batch1000), rate(events * rounds, ms.import)];
  return { rounds, batch1000, import: imported, ofBatch1000: ratio(imported, batch1000) };
}

/**
 * `campaignctl import`'s path: an export file of `events` events over streams of 1,000, each
 * stream's events together (`contiguous`) or the streams taking turns event by event, as in an
 * export of a history (`interleaved`), imported into new streams.
 */
async function importPath(pool: Pool, url: string, events: number, shape: 'contiguous' | 'interleaved', prefix = ''): Promise<{ eventsPerSecond: number; ms: number; phases: Record<string, number> }> {
  const lines: string[] = [];
  for (let k = 0; k < events; k++) {
    const e = payload(k);
    const streams = Math.ceil(events / 1000);
    const [stream, revision] = shape === 'contiguous' ? [Math.floor(k / 1000), k % 1000] : [k % streams, Math.floor(k / streams)];
    lines.push(JSON.stringify(toTransferRecord({ ...e, streamId: `imp-${prefix}${shape}-${stream}`, streamPosition: revision, position: { commit: 1n, prepare: BigInt(k) }, recordedAt: '2026-03-01T00:00:00.000Z' })));
  }
  const text = `${lines.join('\n')}\n`;
  const store = new PostgresEventStore(pool, { connectionString: url });
  // With the catalogue's data checks, as `campaignctl import` runs them.
  const checkEvent = (e: NewEvent) => checkEventData(e.type, e.metadata.schemaVersion, e.data);
  // When each phase began (ms from the start): where the time goes.
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  const onProgress = (p: { phase: string }) => void (phases[p.phase] ??= Math.round(performance.now() - t0));
  const [summary, ms] = await timed(() => importEvents(store, () => Readable.from([text]), { format: 'ndjson', checkEvent, onProgress }));
  if (summary.events !== events) throw new Error(`import appended ${summary.events} of ${events}`);
  return { eventsPerSecond: rate(events, ms), ms: Math.round(ms), phases };
}
