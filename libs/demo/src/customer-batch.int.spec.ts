import { PostgresEventStore, WrongExpectedVersion, type EventStore, type StreamAppend } from '@app/event-store';
import type { CustomerCommand } from '@app/domain';
import { deterministicUuid, withMetadata, type CommandContext } from '@app/application';
import { ORG, actor } from '../../domain/src/testing/fixtures';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { CustomerBatch } from './customer-batch';

const at = '2026-03-10T10:00:00.000Z';
const context = (key: string): CommandContext => ({ correlationId: deterministicUuid(key), actor: 'head-sb1', orgUnit: 'SB1', occurredAt: at, idempotencyKey: key });
const onboard = (customerId: string) =>
  ({ type: 'OnboardCustomer', customerId, org: ORG, by: actor('head-sb1'), at, segment: 'retail', gender: 'F', birthYear: 1980, assetsByUnit: { SB1: '1000.00' } }) as unknown as CustomerCommand;
const optOut = (customerId: string, channel: string) => ({ type: 'SetConsent', customerId, org: ORG, by: actor('head-sb1'), at, channel, granted: false }) as unknown as CustomerCommand;

/**
 * The real store, with each append held until the test lets it go, and the appends that ran at
 * the same time counted: what the batch asks of the store, and when.
 */
class HeldStore {
  started = 0;
  running = 0;
  mostAtOnce = 0;
  private release: (() => void)[] = [];
  held = true;
  constructor(readonly store: EventStore) {}

  async appendToStreams(appends: readonly StreamAppend[]) {
    this.started++;
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.running);
    try {
      if (this.held) await new Promise<void>((r) => this.release.push(r));
      return await this.store.appendToStreams(appends);
    } finally {
      this.running--;
    }
  }

  letGo(): void {
    this.held = false;
    for (const r of this.release.splice(0)) r();
  }
}

/** 'returned' if `p` settles within 300 ms, else 'waiting'. */
const within = (p: Promise<unknown>) => Promise.race([p.then(() => 'returned'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);

describe('CustomerBatch: the seed decides the next customers while the store appends the last ones', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url });
  });
  afterAll(() => db.drop());

  it('starts an append without waiting for it, keeps one in flight at a time, and appends in order with the right revisions', async () => {
    const held = new HeldStore(store);
    const batch = new CustomerBatch(held as unknown as EventStore, 2);
    batch.decide(onboard('P1'), context('p:1'));
    batch.decide(onboard('P2'), context('p:2'));
    // Two events queued (one onboarding each): the append starts, and maybeFlush does not wait for it.
    expect(await within(batch.maybeFlush())).toBe('returned');
    expect(held.started).toBe(1);
    expect(await store.readStream('customer-P1')).toEqual([]); // still held: nothing stored yet
    // The next decisions see the state already: P1 was onboarded, so its opt-out is accepted.
    expect(batch.decide(optOut('P1', 'sms'), context('p:3'))).toEqual([{ type: 'ConsentWithdrawn', data: { customerId: 'P1', channel: 'sms' } }]);
    batch.decide(onboard('P3'), context('p:4'));
    // The second append waits for the first: never two at once.
    const second = batch.maybeFlush();
    expect(await within(second)).toBe('waiting');
    expect(held.started).toBe(1);
    held.letGo();
    await second;
    await batch.flush();
    expect({ started: held.started, mostAtOnce: held.mostAtOnce, appended: batch.appended }).toEqual({ started: 2, mostAtOnce: 1, appended: 4 });
    expect((await store.readStream('customer-P1')).map((e) => [e.streamPosition, e.type])).toEqual([
      [0, 'CustomerOnboarded'],
      [1, 'ConsentWithdrawn'],
    ]);
    expect((await store.readStream('customer-P3')).map((e) => [e.streamPosition, e.type])).toEqual([[0, 'CustomerOnboarded']]);
  });

  it('reports an append that failed in flight at the next wait, not as an unhandled rejection', async () => {
    // Another writer creates Q1's stream first: the batch, which expects no stream, must be refused.
    await store.appendToStream('customer-Q1', withMetadata('customer-Q1', [{ type: 'CustomerOnboarded', data: { customerId: 'Q1', homeUnitId: 'SB1', segment: 'retail', gender: 'M', birthYear: 1970 } }], context('other:1')), 'no_stream');
    const batch = new CustomerBatch(store, 1);
    batch.decide(onboard('Q1'), context('q:1'));
    await expect(batch.maybeFlush()).resolves.toBeUndefined();
    await expect(batch.flush()).rejects.toBeInstanceOf(WrongExpectedVersion);
    expect(batch.appended).toBe(0);
    expect((await store.readStream('customer-Q1')).map((e) => e.data)).toEqual([{ customerId: 'Q1', homeUnitId: 'SB1', segment: 'retail', gender: 'M', birthYear: 1970 }]);
  });
});
