import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { WrongExpectedVersion } from '../errors';
import type { EventStore } from '../event-store.port';
import { comparePositions, type NewEvent, type RecordedEvent } from '../events';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { exportEvents, writeExport } from './export';
import { TRANSFER_COLUMNS } from './format';
import { importEvents } from './import';
import { ExportStalled, ImportConflict, InvalidImportFile } from './transfer.errors';

function fact(type: string, occurredAt: string, data: Record<string, unknown> = {}, meta: Partial<NewEvent['metadata']> = {}): NewEvent {
  return {
    type,
    data,
    metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'staff-7', orgUnit: 'branch-1', occurredAt, schemaVersion: 1, ...meta },
  };
}

/** Hand-picked history: three streams, interleaved, with business times on both sides of March 2026. */
const HISTORY: readonly [string, NewEvent][] = [
  ['campaign-1', fact('CampaignDrafted', '2026-02-28T23:59:59.999Z', { name: 'Spring, "cards"\n春季' })],
  ['customer-1', fact('CustomerContacted', '2026-03-01T00:00:00.000Z', { channel: 'call' }, { orgUnit: 'branch, "north"\n上海' })],
  ['campaign-1', fact('CampaignLaunched', '2026-03-15T10:00:00+08:00', { audience: [1, 2.5, null, true] }, { causationId: randomUUID() })],
  ['customer-2', fact('CustomerContacted', '2026-03-31T23:30:00-01:00', { channel: 'app' }, { orgUnit: '' })],
  ['customer-1', fact('OfferAccepted', '2026-03-31T23:59:59.999Z', { product: 'card', note: 'a,b;"c"\r\nd\ttab 中文 ✓' })],
  ['customer-2', fact('ConversionRecorded', '2026-04-01T00:00:00.000Z', { amount: 1250.5 }, { orgUnit: null })],
  ['campaign-1', fact('CampaignCompleted', '2026-04-02T09:00:00.000Z')],
];

async function seed(store: EventStore, history: readonly [string, NewEvent][]): Promise<void> {
  const revisions = new Map<string, number>();
  for (const [streamId, e] of history) {
    const r = await store.appendToStream(streamId, [e], revisions.get(streamId) ?? 'no_stream');
    revisions.set(streamId, r.nextExpectedRevision);
  }
}

/** The whole log, up to its head: readAll holds events back while any transaction on the server is open. */
async function historyOf(store: EventStore): Promise<RecordedEvent[]> {
  const head = await store.headPosition();
  const all: RecordedEvent[] = [];
  while (head && !(all.length > 0 && comparePositions(all[all.length - 1]!.position, head) >= 0)) {
    const batch = await store.readAll({ after: all[all.length - 1]?.position, maxCount: 500 });
    if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    all.push(...batch);
  }
  return all;
}

/** What an import must keep: ids, streams, revisions, types, data and metadata, in global order. */
const essence = (e: RecordedEvent) => ({ streamId: e.streamId, revision: e.streamPosition, type: e.type, data: e.data, metadata: e.metadata });

/**
 * The store as EventStoreDB's adapter offers it to the import: no append transaction, so the
 * import validates the whole file before its first append (and spills past its keep budget).
 */
const validateFirst = (target: EventStore): EventStore => Object.assign(Object.create(target) as EventStore, { beginAppends: undefined });

/** Each append the one-transaction import sends (events per call, streams per call), and how its transactions ended. */
function watchTransactions(target: PostgresEventStore, beforeCommit?: () => Promise<void>) {
  const seen = { sizes: [] as number[], streams: [] as number[], ended: [] as ('commit' | 'rollback')[] };
  const begin = target.beginAppends.bind(target);
  jest.spyOn(target, 'beginAppends').mockImplementation(async () => {
    const tx = await begin();
    return {
      appendToStreams: async (appends, options) => {
        await tx.appendToStreams(appends, options);
        seen.sizes.push(appends.reduce((n, a) => n + a.events.length, 0));
        seen.streams.push(appends.length);
      },
      commit: async () => {
        await beforeCommit?.();
        seen.ended.push('commit');
        await tx.commit();
      },
      rollback: () => (seen.ended.push('rollback'), tx.rollback()),
    };
  });
  return seen;
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const c of chunks) all += c;
  return all;
}

describe('event history export and import', () => {
  let source: TestDatabase;
  let store: PostgresEventStore;
  let dir: string;
  const targets: TestDatabase[] = [];

  async function freshStore(): Promise<PostgresEventStore> {
    const db = await createTestDatabase();
    targets.push(db);
    return new PostgresEventStore(db.pool, { connectionString: db.url });
  }

  async function exportedFile(format: 'ndjson' | 'csv', name = randomUUID()): Promise<string> {
    const path = join(dir, `${name}.${format}`);
    await writeExport(store, path, { format });
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'transfer-spec-'));
    source = await createTestDatabase();
    store = new PostgresEventStore(source.pool, { connectionString: source.url });
    await seed(store, HISTORY);
  });
  afterAll(async () => {
    await Promise.all([source.drop(), ...targets.map((t) => t.drop())]);
    await rm(dir, { recursive: true, force: true });
  });

  describe('round trip', () => {
    it.each(['ndjson', 'csv'] as const)('imports a %s export into a fresh store with the same events in the same order', async (format) => {
      const path = join(dir, `round-trip.${format}`);
      const written = await writeExport(store, path, { format, bom: format === 'csv' });
      const target = await freshStore();

      const imported = await importEvents(target, path, { format });

      expect(written.events).toBe(HISTORY.length);
      expect(imported).toEqual({ events: HISTORY.length, streams: 3, alreadyStored: 0 });
      expect((await historyOf(target)).map(essence)).toEqual((await historyOf(store)).map(essence));
    });

    it('keeps commas, quotes, line breaks, Chinese text and empty-vs-null in CSV cells', async () => {
      const target = await freshStore();
      await importEvents(target, await exportedFile('csv'), { format: 'csv' });

      const byType = new Map((await historyOf(target)).map((e) => [`${e.streamId}/${e.type}`, e]));
      expect(byType.get('campaign-1/CampaignDrafted')!.data).toEqual({ name: 'Spring, "cards"\n春季' });
      expect(byType.get('customer-1/OfferAccepted')!.data).toEqual({ product: 'card', note: 'a,b;"c"\r\nd\ttab 中文 ✓' });
      expect(byType.get('customer-1/CustomerContacted')!.metadata.orgUnit).toBe('branch, "north"\n上海');
      expect(byType.get('customer-2/CustomerContacted')!.metadata.orgUnit).toBe('');
      expect(byType.get('customer-2/ConversionRecorded')!.metadata.orgUnit).toBeNull();
    });

    it('writes RFC 4180 CSV that a generic parser reads as one header and one row per event', async () => {
      const csv = await text(exportEvents(store, { format: 'csv' }));

      const rows: string[][] = parse(csv);
      expect(rows[0]).toEqual([...TRANSFER_COLUMNS]);
      expect(rows).toHaveLength(HISTORY.length + 1);
      expect(rows.every((r) => r.length === TRANSFER_COLUMNS.length)).toBe(true);
      expect(csv).toContain('"branch, ""north""\n上海"');
      expect(JSON.parse(rows[1]![TRANSFER_COLUMNS.indexOf('data')]!)).toEqual({ name: 'Spring, "cards"\n春季' });
    });

    it('imports from a one-shot stream and exports to a stream the caller owns', async () => {
      const sink = new PassThrough();
      const collected = text(sink.setEncoding('utf8'));
      const written = await writeExport(store, sink, { format: 'ndjson' });
      const target = await freshStore();

      const imported = await importEvents(target, Readable.from([await collected]), { format: 'ndjson' });

      expect(imported.events).toBe(written.events);
      expect(await target.headPosition()).not.toBeNull();
    });
  });

  describe('filters', () => {
    const types = async (options: Parameters<typeof exportEvents>[1]) =>
      (await text(exportEvents(store, options))).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).type as string);

    it('keeps business times between two instants, both inclusive, compared as instants whatever offset an event was written with', async () => {
      // From 00:00 on 1 March to the last millisecond of 31 March, UTC. Excluded: 23:59:59.999 the day before,
      // 23:30 at -01:00 (00:30 UTC on 1 April), 1 April midnight.
      expect(await types({ format: 'ndjson', from: new Date('2026-03-01T00:00:00.000Z'), to: new Date('2026-03-31T23:59:59.999Z') })).toEqual([
        'CustomerContacted',
        'CampaignLaunched',
        'OfferAccepted',
      ]);
    });

    it('treats a bound as that exact instant, inclusive', async () => {
      expect(await types({ format: 'ndjson', from: new Date('2026-03-31T23:59:59.999Z'), to: new Date('2026-04-01T00:30:00.000Z') })).toEqual([
        'CustomerContacted',
        'OfferAccepted',
        'ConversionRecorded',
      ]);
    });

    it('keeps only the event types asked for', async () => {
      expect(await types({ format: 'ndjson', types: ['CustomerContacted', 'CampaignCompleted'] })).toEqual([
        'CustomerContacted',
        'CustomerContacted',
        'CampaignCompleted',
      ]);
    });

    it('refuses a bound that is not an instant, and from after to, before reading anything', () => {
      expect(() => exportEvents(store, { format: 'csv', from: new Date('2026-13-45') })).toThrow(RangeError);
      // Text is never read as a date here (a bare day would have to be a bank day, which the store does not know).
      expect(() => exportEvents(store, { format: 'csv', from: '2026-03-01' as unknown as Date })).toThrow(RangeError);
      expect(() => exportEvents(store, { format: 'csv', from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z') })).toThrow(/after/);
    });
  });

  describe('reading the log', () => {
    it('fails rather than write a short file while an open transaction holds events back, and takes them in once committed', async () => {
      const target = await freshStore();
      const db = targets[targets.length - 1]!;
      await target.appendToStream('held-0', [fact('Before', '2026-03-01T00:00:00Z')], 'no_stream');
      const client = await db.pool.connect();
      await client.query('BEGIN');
      await new PostgresEventStore(client as unknown as Pool, { connectionString: db.url }).appendToStream('held-1', [fact('Held', '2026-03-01T00:00:00Z')], 'no_stream');
      await target.appendToStream('held-2', [fact('After', '2026-03-01T00:00:00Z')], 'no_stream');
      try {
        await expect(text(exportEvents(target, { format: 'ndjson', heldBackTimeoutMs: 200 }))).rejects.toBeInstanceOf(ExportStalled);
        const waiting = text(exportEvents(target, { format: 'ndjson' }));
        await new Promise((resolve) => setTimeout(resolve, 100));
        await client.query('COMMIT');
        expect((await waiting).trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(['Before', 'Held', 'After']);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    });
  });

  describe('reading the file once', () => {
    /** The file, counting how often the import opens it. */
    function counted(path: string): { open: () => Readable; opened: () => number } {
      let n = 0;
      return {
        open: () => {
          n += 1;
          return createReadStream(path);
        },
        opened: () => n,
      };
    }

    it.each(['ndjson', 'csv'] as const)('appends a %s file that fits the keep budget from what validation read: the file is opened once', async (format) => {
      const file = counted(await exportedFile(format));
      const target = await freshStore();

      expect(await importEvents(target, file.open, { format })).toEqual({ events: HISTORY.length, streams: 3, alreadyStored: 0 });

      expect(file.opened()).toBe(1);
      expect((await historyOf(target)).map(essence)).toEqual((await historyOf(store)).map(essence));
    });

    it.each(['ndjson', 'csv'] as const)('appends a %s file larger than the budget: the kept events, then the validated rest, the file still opened once', async (format) => {
      const path = await exportedFile(format);
      const lines = (await readFile(path, 'utf8')).split('\n');
      // Room for the first two events only (each line is over 200 characters; the CSV's header is not an event).
      const firstLine = format === 'csv' ? 1 : 0;
      const keepChars = lines[firstLine]!.length + lines[firstLine + 1]!.length + 2;
      const file = counted(path);
      const target = await freshStore();
      const sizes: number[] = [];
      // The keep budget and the spill file belong to the validate-first import (EventStoreDB's).
      const spied: EventStore = Object.assign(validateFirst(target), {
        appendToStreams: (...[appends, options]: Parameters<EventStore['appendToStreams']>) => {
          sizes.push(appends.reduce((n, a) => n + a.events.length, 0));
          return target.appendToStreams(appends, options);
        },
      });

      expect(await importEvents(spied, file.open, { format, keepChars, batchSize: 3 })).toEqual({ events: HISTORY.length, streams: 3, alreadyStored: 0 });

      expect(file.opened()).toBe(1);
      // 7 events in batches of 3: the second batch holds the last kept event and the first two of the rest.
      expect(sizes).toEqual([3, 3, 1]);
      expect((await historyOf(target)).map(essence)).toEqual((await historyOf(store)).map(essence));
    });

    it.each(['ndjson', 'csv'] as const)('appends what it validated of a %s file larger than the budget though the file is rewritten after validation', async (format) => {
      const path = await exportedFile(format);
      const original = await readFile(path, 'utf8');
      // The sixth event, ConversionRecorded (amount 1250.5), rewritten to fit the format still, with another amount.
      const rewritten = original.replace('1250.5', '9999.5');
      expect(rewritten).not.toBe(original);
      // No room: every event is past the budget. The first open reads the file as it was; any later one, as rewritten.
      const keepChars = 1;
      let opened = 0;
      const open = () => Readable.from([opened++ === 0 ? original : rewritten]);
      const target = await freshStore();

      const listeners = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM'), process.listenerCount('SIGHUP')];
      let during: number[] = [];
      // The validate-first path (EventStoreDB's): the one that spills.
      const spied = Object.assign(Object.create(validateFirst(target)) as EventStore, {
        appendToStreams: (...args: Parameters<EventStore['appendToStreams']>) => {
          during = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM'), process.listenerCount('SIGHUP')];
          return target.appendToStreams(...args);
        },
      });
      expect(await importEvents(spied, open, { format, keepChars, batchSize: 2 })).toEqual({ events: HISTORY.length, streams: 3, alreadyStored: 0 });
      // While the spill file exists it removes itself on SIGINT/SIGTERM/SIGHUP; its listeners go with it.
      expect(during).toEqual([listeners[0]! + 1, listeners[1]! + 1, listeners[2]! + 1]);
      expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM'), process.listenerCount('SIGHUP')]).toEqual(listeners);

      // The amount validated (1250.5), not the rewritten one; and the file was read once.
      expect((await historyOf(target)).map(essence)).toEqual((await historyOf(store)).map(essence));
      expect(opened).toBe(1);
    });

    it('refuses a bad line after the kept part, appending nothing', async () => {
      const lines = (await readFile(await exportedFile('ndjson'), 'utf8')).split('\n');
      lines[5] = lines[5]!.replace(/"schemaVersion":1/, '"schemaVersion":0');
      const path = join(dir, 'bad-line-6.ndjson');
      await writeFile(path, lines.join('\n'));
      const target = await freshStore();

      const err = await importEvents(validateFirst(target), path, { format: 'ndjson', keepChars: lines[0]!.length + 1 }).catch((e: unknown) => e);

      expect(err).toMatchObject({ line: 6, message: expect.stringMatching(/^line 6: schemaVersion must be an integer >= 1, found 0/) });
      expect(await target.headPosition()).toBeNull();
    });

    it('resumes an interrupted import from kept events too, appending only what is missing', async () => {
      const path = await exportedFile('ndjson');
      const firstFour = join(dir, 'first-four-kept.ndjson');
      await writeFile(firstFour, (await readFile(path, 'utf8')).split('\n').slice(0, 4).join('\n'));
      const target = await freshStore();
      await importEvents(target, firstFour, { format: 'ndjson' });

      // Kept: the first five events (four stored already); past the budget: the last two.
      const lines = (await readFile(path, 'utf8')).split('\n');
      const keepChars = lines.slice(0, 5).reduce((n, l) => n + l.length, 0);
      const rest = await importEvents(validateFirst(target), path, { format: 'ndjson', keepChars });

      expect(rest).toEqual({ events: 3, streams: 3, alreadyStored: 4 });
      expect((await historyOf(target)).map(essence)).toEqual((await historyOf(store)).map(essence));
    });
  });

  describe('refusing a bad file', () => {
    async function refusal(target: EventStore, path: string, format: 'ndjson' | 'csv'): Promise<unknown> {
      return importEvents(target, path, { format }).then(
        () => 'imported',
        (err: unknown) => err,
      );
    }

    async function storeWithOneEvent(): Promise<PostgresEventStore> {
      const target = await freshStore();
      await target.appendToStream('unrelated-1', [fact('Unrelated', '2026-01-01T00:00:00Z')], 'no_stream');
      return target;
    }

    it('names line 3 of an NDJSON file and appends nothing, not even lines 1 and 2', async () => {
      const lines = (await readFile(await exportedFile('ndjson'), 'utf8')).split('\n');
      lines[2] = lines[2]!.replace(/"eventId":"[^"]+"/, '"eventId":"not-a-uuid"');
      const path = join(dir, 'bad-line-3.ndjson');
      await writeFile(path, lines.join('\n'));
      const target = await storeWithOneEvent();
      const head = await target.headPosition();

      const err = await refusal(target, path, 'ndjson');

      expect(err).toBeInstanceOf(InvalidImportFile);
      expect(err).toMatchObject({ line: 3, message: expect.stringMatching(/^line 3: eventId must be a UUID/) });
      expect(await target.headPosition()).toEqual(head);
      expect(await historyOf(target)).toHaveLength(1);
    });

    it('names line 3 of a CSV file, counting the header as line 1', async () => {
      const lines = (await readFile(await exportedFile('csv'), 'utf8')).split('\n');
      lines[2] = lines[2]!.replace(/,\d+,CustomerContacted,/, ',-1,CustomerContacted,');
      const path = join(dir, 'bad-line-3.csv');
      // A malformed line further on, in the same read chunk, must not hide line 3.
      await writeFile(path, `${lines.join('\n')}"unterminated,quote\n`);
      const target = await storeWithOneEvent();
      const head = await target.headPosition();

      const err = await refusal(target, path, 'csv');

      expect(err).toMatchObject({ line: 3, message: expect.stringMatching(/^line 3: streamRevision must be an integer >= 0, found "-1"/) });
      expect(await target.headPosition()).toEqual(head);
    });

    it.each([
      ['LF', '\n'],
      ['CRLF', '\r\n'],
    ])('counts physical lines in a CSV with %s endings and a record spanning two lines', async (_name, eol) => {
      // Header line 1, then records on lines 2, 3-4 (quoted line break in orgUnit), 5, 6, ...
      const csv = (await text(exportEvents(store, { format: 'csv' }))).replace('CampaignLaunched', 'Campaign"Launched').replace(/\n/g, eol);
      const path = join(dir, `multiline-${_name}.csv`);
      await writeFile(path, csv);

      expect(await refusal(await freshStore(), path, 'csv')).toMatchObject({ line: 5, message: expect.stringMatching(/^line 5: malformed CSV/) });
    });

    it('names the line where a stream skips a revision', async () => {
      const lines = (await readFile(await exportedFile('ndjson'), 'utf8')).split('\n');
      const path = join(dir, 'gap.ndjson');
      await writeFile(path, lines.filter((_, i) => i !== 2).join('\n')); // drop campaign-1's revision 1

      expect(await refusal(await freshStore(), path, 'ndjson')).toMatchObject({
        line: 6,
        message: expect.stringContaining('revision 2 follows revision 0'),
      });
    });

    it('refuses a stream the target store already has with other events, before appending anything', async () => {
      const target = await freshStore();
      await target.appendToStream('customer-2', [fact('CustomerContacted', '2026-03-02T00:00:00Z')], 'no_stream');
      const head = await target.headPosition();

      const err = await refusal(target, await exportedFile('ndjson'), 'ndjson');

      expect(err).toBeInstanceOf(ImportConflict);
      expect(err).toMatchObject({ line: 4, streamId: 'customer-2', message: expect.stringContaining('other events at revisions 0..0') });
      expect(await target.headPosition()).toEqual(head);
    });

    it('refuses a partial export whose streams start after revision 0 on an empty store', async () => {
      const path = join(dir, 'april.ndjson');
      await writeExport(store, path, { format: 'ndjson', from: new Date('2026-04-01T00:00:00Z') });

      expect(await refusal(await freshStore(), path, 'ndjson')).toMatchObject({
        line: 3,
        streamId: 'campaign-1',
        message: expect.stringContaining('starts at revision 2, but the target store holds fewer than 2 events'),
      });
    });
  });

  describe('importing again', () => {
    it('appends nothing when the same file is imported twice', async () => {
      const path = await exportedFile('csv');
      const target = await freshStore();
      await importEvents(target, path, { format: 'csv' });
      const head = await target.headPosition();

      const again = await importEvents(target, path, { format: 'csv' });

      expect(again).toEqual({ events: 0, streams: 0, alreadyStored: HISTORY.length });
      expect(await target.headPosition()).toEqual(head);
    });

    it('stops at an append that fails, with its error, and sends no batch after it (the next batch is read while one is in flight; validate-first, as on EventStoreDB)', async () => {
      const path = await exportedFile('ndjson');
      const target = await freshStore();
      const calls: string[][] = [];
      // The real store, whose second append fails on its way back, after the third batch has been read.
      const failing: EventStore = Object.assign(validateFirst(target), {
        appendToStreams: async (...[appends, options]: Parameters<EventStore['appendToStreams']>) => {
          calls.push(appends.map((a) => a.streamId));
          if (calls.length === 2) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            throw new Error('connection lost');
          }
          return target.appendToStreams(appends, options);
        },
      });

      await expect(importEvents(failing, path, { format: 'ndjson', batchSize: 2 })).rejects.toThrow('connection lost');

      // HISTORY in batches of 2: [campaign-1, customer-1], [campaign-1, customer-2], ...
      expect(calls).toEqual([
        ['campaign-1', 'customer-1'],
        ['campaign-1', 'customer-2'],
      ]);
      expect((await historyOf(target)).map((e) => e.type)).toEqual(['CampaignDrafted', 'CustomerContacted']);
    });

    it('in one transaction: an append that fails stops the import with its error, sends no batch after it, and leaves nothing stored', async () => {
      const path = await exportedFile('ndjson');
      const target = await freshStore();
      const calls: string[][] = [];
      let ended = '';
      const begin = target.beginAppends.bind(target);
      // The real transaction, whose second append fails on its way back (it was stored in the transaction).
      jest.spyOn(target, 'beginAppends').mockImplementation(async () => {
        const tx = await begin();
        return {
          appendToStreams: async (appends, options) => {
            calls.push(appends.map((a) => a.streamId));
            await tx.appendToStreams(appends, options);
            if (calls.length === 2) throw new Error('connection lost');
          },
          commit: () => ((ended = 'commit'), tx.commit()),
          rollback: () => ((ended = 'rollback'), tx.rollback()),
        };
      });

      await expect(importEvents(target, path, { format: 'ndjson', batchSize: 2 })).rejects.toThrow('connection lost');

      expect(calls).toEqual([
        ['campaign-1', 'customer-1'],
        ['campaign-1', 'customer-2'],
      ]);
      expect(ended).toBe('rollback');
      // Not even the first batch, stored before the failure.
      expect(await target.headPosition()).toBeNull();
      expect((await targets[targets.length - 1]!.pool.query(`SELECT count(*)::int AS n FROM es_streams`)).rows[0].n).toBe(0);
    });

    it('resumes an interrupted import, appending only what is missing', async () => {
      const path = await exportedFile('ndjson');
      const firstFour = join(dir, 'first-four.ndjson');
      await writeFile(firstFour, (await readFile(path, 'utf8')).split('\n').slice(0, 4).join('\n'));
      const target = await freshStore();
      await importEvents(target, firstFour, { format: 'ndjson' });

      const rest = await importEvents(target, path, { format: 'ndjson' });

      expect(rest).toEqual({ events: 3, streams: 3, alreadyStored: 4 });
      expect((await historyOf(target)).map(essence)).toEqual((await historyOf(store)).map(essence));
    });

    it('can rely on the store too: a repeated multi-stream batch with exact revisions is a no-op, a partly stored one a conflict', async () => {
      const target = await freshStore();
      const batch = [{ streamId: 'repeat-1', events: [fact('A', '2026-03-01T00:00:00Z')], expectedRevision: 'no_stream' as const }];
      const [first] = await target.appendToStreams(batch);

      // The same ids again: the first append's answer, nothing stored twice.
      await expect(target.appendToStreams(batch)).resolves.toEqual([{ ...first, repeated: true }]);
      expect(await target.readStream('repeat-1')).toHaveLength(1);
      // One of its events stored, one new: refused whole.
      const partly = [{ ...batch[0]!, events: [...batch[0]!.events, fact('B', '2026-03-01T00:00:00Z')] }];
      await expect(target.appendToStreams(partly)).rejects.toBeInstanceOf(WrongExpectedVersion);
      expect(await target.readStream('repeat-1')).toHaveLength(1);
    });
  });

  describe('looking the streams up in the store', () => {
    it('looks new streams up 500 a query while validating, checks only those the store holds after it, and a held one with other events refuses the file, appending nothing', async () => {
      const target = await freshStore();
      await target.appendToStream('lookup-700', [fact('CustomerContacted', '2026-03-02T00:00:00Z')], 'no_stream');
      const head = await target.headPosition();
      // 1,200 new streams of one event each: lookup-700, on line 701, is held by the store with another event.
      const path = join(dir, 'lookup.ndjson');
      const record = (i: number) => ({
        position: `1/${i + 1}`, eventId: randomUUID(), streamId: `lookup-${i}`, streamRevision: 0, type: 'CustomerContacted', occurredAt: '2026-03-01T09:00:00Z',
        recordedAt: '2026-03-01T09:00:01Z', actor: 'staff-7', orgUnit: 'branch-1', correlationId: randomUUID(), causationId: null, schemaVersion: 1, data: { channel: 'call' },
      });
      await writeFile(path, `${Array.from({ length: 1_200 }, (_, i) => JSON.stringify(record(i))).join('\n')}\n`);
      let validated = false;
      const lookups: { duringValidation: boolean; streams: number }[] = [];
      const readStreams = target.readStreams.bind(target);
      jest.spyOn(target, 'readStreams').mockImplementation((requests) => {
        lookups.push({ duringValidation: !validated, streams: requests.length });
        return readStreams(requests);
      });

      const err = await importEvents(validateFirst(target), path, { format: 'ndjson', onProgress: (p) => (validated ||= p.phase === 'validating' && p.total !== null) }).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(ImportConflict);
      expect(err).toMatchObject({ line: 701, streamId: 'lookup-700', message: expect.stringContaining('other events at revisions 0..0') });
      // Two full chunks sent while lines were still being read, the last 200 at the end; then only the one stream held.
      expect(lookups).toEqual([
        { duringValidation: true, streams: 500 },
        { duringValidation: true, streams: 500 },
        { duringValidation: false, streams: 200 },
        { duringValidation: false, streams: 1 },
      ]);
      expect(await target.headPosition()).toEqual(head);
    });
  });

  describe('one pass, one transaction (a store with append transactions)', () => {
    /** `n` OfferPresented-like lines over streams of `perStream` events each (contiguous), as an export writes them. */
    function lines(n: number, perStream: number, prefix: string): string[] {
      return Array.from({ length: n }, (_, k) =>
        JSON.stringify({
          position: `1/${k + 1}`, eventId: randomUUID(), streamId: `${prefix}-${Math.floor(k / perStream)}`, streamRevision: k % perStream, type: 'OfferPresented',
          occurredAt: '2026-03-31T16:30:00Z', recordedAt: '2026-03-31T16:30:01Z', actor: 'staff-7', orgUnit: 'branch-1', correlationId: randomUUID(), causationId: null,
          schemaVersion: 1, data: { offerId: `o-${k}`, customerId: `c-${k % 37}`, productCode: 'TD-1Y' },
        }),
      );
    }
    /** The catalogue's job, by hand: an offer needs a product code. */
    const checkEvent = (e: NewEvent) => (typeof (e.data as { productCode?: unknown }).productCode === 'string' ? null : { field: 'data.productCode', expected: 'a string' });

    it('refuses a bad line after several full batches, appending nothing: the position and streams of the store are as before, and its streams are free', async () => {
      const target = await freshStore();
      await target.appendToStream('unrelated-1', [fact('Unrelated', '2026-01-01T00:00:00Z')], 'no_stream');
      const head = await target.headPosition();
      const db = targets[targets.length - 1]!;
      // 2,000 good lines in streams of 40, then line 2,001 without its product code, then more good lines.
      const file = lines(2_100, 40, 'offers');
      const bad = JSON.parse(file[2_000]!);
      delete bad.data.productCode;
      file[2_000] = JSON.stringify(bad);
      const path = join(dir, 'bad-line-2001.ndjson');
      await writeFile(path, `${file.join('\n')}\n`);
      const seen = watchTransactions(target);

      const err = await importEvents(target, path, { format: 'ndjson', checkEvent, batchSize: 100 }).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(InvalidImportFile);
      expect(err).toMatchObject({ line: 2_001, problem: { field: 'data.productCode', expected: 'a string' } });
      // Full batches of 100 were in the transaction before line 2,001 was read: the events are taken
      // into batches 1,000 or more at a time, so at least the first 1,000 were (nine batches sent,
      // the tenth waiting for one event more) ...
      expect(seen.sizes.length).toBeGreaterThanOrEqual(9);
      expect(seen.sizes.every((n) => n === 100)).toBe(true);
      expect(seen.ended).toEqual(['rollback']);
      // ... and none of them is stored.
      expect(await target.headPosition()).toEqual(head);
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n).toBe(1);
      expect((await db.pool.query(`SELECT stream_id FROM es_streams`)).rows).toEqual([{ stream_id: 'unrelated-1' }]);
      expect(await historyOf(target)).toHaveLength(1);
      // No lock left on the file's streams: another writer creates one at once.
      await expect(target.appendToStream('offers-0', [fact('OfferPresented', '2026-04-01T00:00:00Z')], 'no_stream')).resolves.toMatchObject({ nextExpectedRevision: 0 });
    });

    it('appends a good file in one transaction, in batches, keeping the global order; subscriptions see nothing before the commit', async () => {
      const target = await freshStore();
      const file = lines(450, 40, 'good');
      const path = join(dir, 'good-450.ndjson');
      await writeFile(path, `${file.join('\n')}\n`);
      const db = targets[targets.length - 1]!;
      // Just before the commit, every batch is in the transaction and no reader sees any of it.
      let beforeCommit: unknown = null;
      const seen = watchTransactions(target, async () => {
        beforeCommit = { rows: (await db.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n, readAll: (await target.readAll({ maxCount: 10 })).length };
      });

      const imported = await importEvents(target, path, { format: 'ndjson', checkEvent, batchSize: 100 });

      const { rows } = await db.pool.query(`SELECT count(DISTINCT transaction_id)::int AS txs, count(*)::int AS n FROM es_events`);
      expect(imported).toEqual({ events: 450, streams: 12, alreadyStored: 0 });
      expect(seen.sizes).toEqual([100, 100, 100, 100, 50]);
      expect(seen.ended).toEqual(['commit']);
      expect(beforeCommit).toEqual({ rows: 0, readAll: 0 });
      expect(rows).toEqual([{ txs: 1, n: 450 }]);
      expect((await historyOf(target)).map((e) => e.metadata.eventId)).toEqual(file.map((l) => JSON.parse(l).eventId));
    });

    it('looks new streams up 500 a query as it reads, and a held one with other events refuses the file, appending nothing', async () => {
      const target = await freshStore();
      await target.appendToStream('lookup-700', [fact('CustomerContacted', '2026-03-02T00:00:00Z')], 'no_stream');
      const head = await target.headPosition();
      const path = join(dir, 'lookup-one-pass.ndjson');
      const record = (i: number) => ({
        position: `1/${i + 1}`, eventId: randomUUID(), streamId: `lookup-${i}`, streamRevision: 0, type: 'CustomerContacted', occurredAt: '2026-03-01T09:00:00Z',
        recordedAt: '2026-03-01T09:00:01Z', actor: 'staff-7', orgUnit: 'branch-1', correlationId: randomUUID(), causationId: null, schemaVersion: 1, data: { channel: 'call' },
      });
      await writeFile(path, `${Array.from({ length: 1_200 }, (_, i) => JSON.stringify(record(i))).join('\n')}\n`);
      const lookups: number[] = [];
      const readStreams = target.readStreams.bind(target);
      jest.spyOn(target, 'readStreams').mockImplementation((requests) => {
        lookups.push(requests.length);
        return readStreams(requests);
      });
      const seen = watchTransactions(target);

      const err = await importEvents(target, path, { format: 'ndjson', batchSize: 100 }).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(ImportConflict);
      expect(err).toMatchObject({ line: 701, streamId: 'lookup-700', message: expect.stringContaining('other events at revisions 0..0') });
      // Each stream looked up once (the held one is not read again), at most 500 a query: a read
      // chunk's new streams together (the lookups of the lines after the conflict are still made,
      // for the earliest conflict of the file).
      expect(lookups.reduce((n, k) => n + k, 0)).toBe(1_200);
      expect(Math.max(...lookups)).toBeLessThanOrEqual(500);
      // Batches of lines before line 701 went into the transaction, then it was rolled back.
      expect(seen.sizes.length).toBeGreaterThanOrEqual(3);
      expect(seen.sizes.every((n) => n === 100)).toBe(true);
      expect(seen.ended).toEqual(['rollback']);
      expect(await target.headPosition()).toEqual(head);
    });
  });

  describe('a few thousand events', () => {
    const STREAMS = 150;
    const PER_STREAM = 20;
    let big: TestDatabase;
    let bigStore: PostgresEventStore;

    beforeAll(async () => {
      big = await createTestDatabase();
      bigStore = new PostgresEventStore(big.pool, { connectionString: big.url });
      // Round robin: every stream appears in every batch, as in a campaign's daily contacts.
      for (let round = 0; round < PER_STREAM; round++) {
        await bigStore.appendToStreams(
          Array.from({ length: STREAMS }, (_, s) => ({
            streamId: `customer-${s}`,
            events: [fact('CustomerContacted', `2026-03-${String(1 + (round % 28)).padStart(2, '0')}T09:00:00Z`, { round, s })],
            expectedRevision: round === 0 ? ('no_stream' as const) : round - 1,
          })),
        );
      }
    });
    afterAll(() => big.drop());

    it('reads the store in batches of the given size and writes one chunk per batch', async () => {
      const readAll = jest.spyOn(bigStore, 'readAll');
      const chunks: string[] = [];

      for await (const chunk of exportEvents(bigStore, { format: 'ndjson', batchSize: 64 })) chunks.push(chunk);

      // More calls and chunks only when another test's open transaction holds events back.
      const total = STREAMS * PER_STREAM;
      expect(readAll.mock.calls.every(([o]) => o.maxCount === 64)).toBe(true);
      expect(readAll.mock.calls.length).toBeGreaterThanOrEqual(Math.ceil(total / 64));
      expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(total / 64));
      expect(Math.max(...chunks.map((c) => c.split('\n').length - 1))).toBeLessThanOrEqual(64);
      expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(total);
      readAll.mockRestore();
    });

    it('imports them in full batches of the given size though every stream comes back in each, keeping the global order', async () => {
      const path = join(dir, 'big.csv');
      await writeExport(bigStore, path, { format: 'csv', batchSize: 100 });
      const target = await freshStore();
      const seen = watchTransactions(target);

      const imported = await importEvents(target, path, { format: 'csv', batchSize: 250 });

      expect(imported).toEqual({ events: STREAMS * PER_STREAM, streams: STREAMS, alreadyStored: 0 });
      // 3,000 events in 12 appends of 250 (a batch cut where a stream reappears would hold 150 at most: 150 streams in turn).
      expect(seen.sizes).toEqual(Array.from({ length: 12 }, () => 250));
      expect(seen.streams.every((n) => n === 150)).toBe(true);
      expect((await historyOf(target)).map((e) => e.metadata.eventId)).toEqual((await historyOf(bigStore)).map((e) => e.metadata.eventId));
    });
  });
});
