import { randomUUID } from 'node:crypto';
import { OrganisationView } from '@app/application';
import { CommandBus } from '@nestjs/cqrs';
import { StoreUnavailable } from '@app/event-store';
import { IntegrationRelay, type BusConsumer, type DeliveredMessage } from '@app/messaging';
import { api, seedCustomer, seedOrganisation, storedEvents } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { DEAD_LETTER_TOPIC, INTERACTIONS_TOPIC, startInteractionIngest, type DeadLetter } from '../../apps/ingest/src/interaction-ingest';

/**
 * Channel interactions in through the message bus (the Postgres bus here; Kafka has the same
 * contract suite), turned into commands under the API's rules; refusals to the dead-letter topic;
 * redeliveries applied once. Integration events out, keyed, from a checkpoint.
 */
describe('channel ingest and integration relay', () => {
  let t: TestApp;
  let ingest: BusConsumer;
  let dlqConsumer: BusConsumer;
  const dead: DeadLetter[] = [];
  /** Failures to inject: the ledger's claim of a message id fails `times` times with `error`. */
  const faults = new Map<string, { error: () => Error; times: number }>();
  let claims = 0;

  const publish = (messages: { id: string; key: string; value: unknown }[]) => t.runtime.bus.publish(INTERACTIONS_TOPIC, messages);
  const until = async (check: () => Promise<boolean> | boolean, what: string) => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const contacts = async (customerId: string) => (await storedEvents(t, `customer-${customerId}`)).filter((e) => e.type === 'CustomerContacted');
  /** A contact's outcome is free text: the event names its note in the PII vault. */
  const outcomes = async (customerId: string, events: { data: any }[]) => {
    const notes = await t.runtime.vault.notes.get(customerId, events.map((e) => e.data.outcomeNote));
    return events.map((e) => notes.get(e.data.outcomeNote));
  };

  beforeAll(async () => {
    // The product's default grace (3 days), which the ingest is held to like the API.
    t = await startTestApp({ BACKDATE_GRACE_DAYS: '3' });
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R2' });
    await seedCustomer(t, 'C2', { optedOut: ['phone'] });
    await api(t).as('admin').post('/api/customers/C1/manager', { staffId: 'rm1' });
    ingest = await startInteractionIngest({
      commands: t.app.get(CommandBus),
      store: t.runtime.store,
      bus: t.runtime.bus,
      organisation: new OrganisationView(t.runtime.store),
      ledger: {
        ...t.runtime.idempotency,
        claim: async (scope: string, key: string, hash: string) => {
          const fault = faults.get(key);
          if (fault && fault.times-- > 0) {
            claims++;
            throw fault.error();
          }
          return t.runtime.idempotency.claim(scope, key, hash);
        },
        complete: (scope: string, key: string, status: number, body: unknown) => t.runtime.idempotency.complete(scope, key, status, body),
        release: (scope: string, key: string) => t.runtime.idempotency.release(scope, key),
        hash: (value: unknown) => t.runtime.idempotency.hash(value),
      },
      log: { info: () => undefined, warn: () => undefined },
      retry: { attempts: 3, initialMs: 10 },
      graceDays: t.runtime.config.backdateGraceDays,
    });
    dlqConsumer = await t.runtime.bus.consume(DEAD_LETTER_TOPIC, 'test-dlq', async (batch: readonly DeliveredMessage[]) => {
      for (const m of batch) dead.push(m.value as DeadLetter);
    });
  });
  afterAll(async () => {
    await ingest?.stop();
    await dlqConsumer?.stop();
    await t?.close();
  });

  it('turns a message into the customer command, named after the message, and applies a redelivery once', async () => {
    const id = randomUUID();
    const message = { id, key: 'C1', value: { actor: 'rm1', interaction: { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'reached via call centre' } } };
    await publish([message]);
    await until(async () => (await contacts('C1')).length === 1, 'the contact');
    expect((await contacts('C1'))[0]!.data).toMatchObject({ contactId: id, staffId: 'rm1', channel: 'phone', outcomeNote: `contact:${id}:outcome` });
    expect(await outcomes('C1', await contacts('C1'))).toEqual(['reached via call centre']);
    // At least once: the consumer group starts again from the beginning (a crash before its
    // offsets were committed); every message is delivered again and must not apply twice.
    await t.db.pool.query(`UPDATE mb_offsets SET "offset" = 0 WHERE group_id = 'ingest'`);
    // …and the first message's handling had appended but crashed before noting it was done.
    await t.db.pool.query(`UPDATE idempotency_keys SET status = NULL, body = NULL WHERE key = $1`, [id]);
    const marker = randomUUID();
    await publish([{ id: marker, key: 'C1', value: { actor: 'rm1', interaction: { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'second' } } }]);
    await until(async () => (await contacts('C1')).length === 2, 'the second contact');
    expect((await contacts('C1')).map((e) => e.data.contactId)).toEqual([id, marker]);
    expect(dead).toEqual([]); // the redelivered message was recognised, not refused as a duplicate
  });

  it('sends what it cannot process to the dead-letter topic with the reason, and appends nothing for it', async () => {
    const before = (await storedEvents(t, 'customer-C2')).length;
    const cases = [
      { id: randomUUID(), key: 'C2', value: { actor: 'rm1', interaction: { kind: 'contact', customerId: 'C2', staffId: 'rm1', channel: 'phone', outcome: 'x' } }, code: 'OPTED_OUT' },
      { id: randomUUID(), key: 'C2', value: { actor: 'rm1', interaction: { kind: 'telepathy', customerId: 'C2' } }, code: 'VALIDATION_FAILED' },
      { id: randomUUID(), key: 'C2', value: { actor: 'nobody', interaction: { kind: 'contact', customerId: 'C2', staffId: 'rm1', channel: 'phone', outcome: 'x' } }, code: 'UNKNOWN_ACTOR' },
      { id: randomUUID(), key: 'C2', value: { actor: 'mkt-br1', interaction: { kind: 'contact', customerId: 'C2', staffId: 'mkt-br1', channel: 'phone', outcome: 'x' } }, code: 'ROLE_NOT_ALLOWED' },
      { id: randomUUID(), key: 'C2', value: { actor: 'rm3', interaction: { kind: 'contact', customerId: 'C2', staffId: 'rm3', channel: 'phone', outcome: 'x' } }, code: 'UNKNOWN_CUSTOMER' },
      { id: randomUUID(), key: 'C2', value: 'not an object', code: 'VALIDATION_FAILED' },
    ];
    await publish(cases.map(({ code: _code, ...m }) => m));
    await until(() => cases.every((c) => dead.some((d) => d.message.id === c.id)), 'the dead letters');
    for (const c of cases) expect({ id: c.id, code: dead.find((d) => d.message.id === c.id)!.reason.code }).toEqual({ id: c.id, code: c.code });
    expect(dead.find((d) => d.message.id === cases[0]!.id)!.message.value).toEqual(cases[0]!.value);
    expect((await storedEvents(t, 'customer-C2')).length).toBe(before);
  });

  it('holds a channel sale to the backdating grace from when it is received, and refuses one dated ahead (issue 16, item 7b), appending nothing', async () => {
    // BACKDATE_GRACE_DAYS is 3 here: a sale 61 days back, one 3 days and an hour back, and one a day ahead are refused; one 2 days back goes in.
    expect(t.runtime.config.backdateGraceDays).toBe(3);
    // C3, rm1's customer, has no other sale (the relay's test below finds C1's first).
    await seedCustomer(t, 'C3', { tolerance: 'R2' });
    await api(t).as('admin').post('/api/customers/C3/manager', { staffId: 'rm1' });
    const now = Date.now();
    const sale = (occurredAt: string, conversionId: string) => ({ actor: 'rm1', interaction: { kind: 'conversion', customerId: 'C3', conversionId, staffId: 'rm1', productCode: 'DEP-1Y', amount: 1000, revenue: '10', occurredAt } });
    const sales = async () => (await storedEvents(t, 'customer-C3')).filter((e) => e.type === 'ConversionRecorded');
    const before = (await storedEvents(t, 'customer-C3')).length;
    const cases = [
      { id: randomUUID(), key: 'C3', value: sale(new Date(now - 61 * 86_400_000).toISOString(), 'VB1'), code: 'BACKDATED_TOO_FAR' },
      { id: randomUUID(), key: 'C3', value: sale(new Date(now - 3 * 86_400_000 - 3_600_000).toISOString(), 'VB2'), code: 'BACKDATED_TOO_FAR' },
      { id: randomUUID(), key: 'C3', value: sale(new Date(now + 86_400_000).toISOString(), 'VB3'), code: 'OCCURRED_IN_FUTURE' },
    ];
    await publish(cases.map(({ code: _code, ...m }) => m));
    await until(() => cases.every((c) => dead.some((d) => d.message.id === c.id)), 'the dead letters');
    for (const c of cases) expect({ id: c.id, code: dead.find((d) => d.message.id === c.id)!.reason.code }).toEqual({ id: c.id, code: c.code });
    expect(dead.find((d) => d.message.id === cases[0]!.id)!.reason.details).toMatchObject({ graceDays: 3 });
    expect((await storedEvents(t, 'customer-C3')).length).toBe(before);
    // Within the grace, it goes in.
    await publish([{ id: randomUUID(), key: 'C3', value: sale(new Date(now - 2 * 86_400_000).toISOString(), 'VB4') }]);
    await until(async () => (await sales()).some((e) => e.data.conversionId === 'VB4'), 'the sale within the grace');
    expect((await sales()).map((e) => e.data.conversionId)).toEqual(['VB4']);
  });

  it('counts the grace from when the bus took a message, not from when a late ingest handles it (issue 16 leftovers)', async () => {
    // The ingest was away for two days: these messages sat in the bus since then (their enqueue time
    // is two days back). Grace 3 days, counted from that enqueue time:
    //   a sale 4 days 23 hours back was 2 days 23 hours old when sent: within the grace, it goes in
    //     (counted from now, 4 days 23 hours, it would be refused);
    //   a sale 5 days 1 hour back was 3 days 1 hour old when sent: refused;
    //   a sale 1 day back is dated after its message was sent: refused (counted from now, it would go in).
    await seedCustomer(t, 'C4', { tolerance: 'R2' });
    await api(t).as('admin').post('/api/customers/C4/manager', { staffId: 'rm1' });
    const now = Date.now();
    const H = 3_600_000;
    const sale = (hoursBack: number, conversionId: string) => ({ actor: 'rm1', interaction: { kind: 'conversion', customerId: 'C4', conversionId, staffId: 'rm1', productCode: 'DEP-1Y', amount: 500, revenue: '5', occurredAt: new Date(now - hoursBack * H).toISOString() } });
    const late = [
      { id: randomUUID(), value: sale(4 * 24 + 23, 'LATE-IN'), code: null },
      { id: randomUUID(), value: sale(5 * 24 + 1, 'LATE-OLD'), code: 'BACKDATED_TOO_FAR' },
      { id: randomUUID(), value: sale(24, 'LATE-AHEAD'), code: 'OCCURRED_IN_FUTURE' },
    ];
    // Straight into the bus's table, enqueued two days ago (as the bus itself would have, then).
    await t.db.pool.query(
      `INSERT INTO mb_messages (topic, message_id, key, value, created_at)
       SELECT $1, id, 'C4', value, to_timestamp($4::double precision / 1000) FROM unnest($2::text[], $3::jsonb[]) AS m(id, value)`,
      [INTERACTIONS_TOPIC, late.map((m) => m.id), late.map((m) => JSON.stringify(m.value)), now - 48 * H],
    );
    const sales = async () => (await storedEvents(t, 'customer-C4')).filter((e) => e.type === 'ConversionRecorded');
    const refused = late.filter((m) => m.code !== null);
    await until(async () => refused.every((c) => dead.some((d) => d.message.id === c.id)) && (await sales()).length > 0, 'the late messages handled');
    for (const c of refused) expect({ id: c.id, code: dead.find((d) => d.message.id === c.id)!.reason.code }).toEqual({ id: c.id, code: c.code });
    expect(dead.some((d) => d.message.id === late[0]!.id)).toBe(false);
    expect((await sales()).map((e) => e.data.conversionId)).toEqual(['LATE-IN']);
    // Recorded when it was sent: the sale's recording time is the enqueue time, to the millisecond.
    expect(dead.find((d) => d.message.id === late[1]!.id)!.reason.details).toMatchObject({ graceDays: 3, recordedAt: new Date(now - 48 * H).toISOString() });
  });

  it('keeps each customer’s messages in order', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await publish(ids.map((id, i) => ({ id, key: 'C1', value: { actor: 'rm1', interaction: { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: `call ${i}` } } })));
    await until(async () => (await contacts('C1')).length === 7, 'five more contacts');
    expect(await outcomes('C1', (await contacts('C1')).slice(2))).toEqual(['call 0', 'call 1', 'call 2', 'call 3', 'call 4']);
  });

  it('tries a message whose handling keeps failing a few times, then sends it to the dead-letter topic with the reason, and goes on', async () => {
    const broken = randomUUID();
    const next = randomUUID();
    faults.set(broken, { error: () => new Error('disk on fire'), times: Number.POSITIVE_INFINITY });
    claims = 0;
    const contact = (outcome: string) => ({ actor: 'rm1', interaction: { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome } });
    const before = (await contacts('C1')).length;
    await publish([{ id: broken, key: 'C1', value: contact('never') }, { id: next, key: 'C1', value: contact('after the broken one') }]);
    await until(() => dead.some((d) => d.message.id === broken), 'the dead letter');
    expect(dead.find((d) => d.message.id === broken)!.reason).toMatchObject({ code: 'PROCESSING_FAILED', details: { attempts: 3, error: 'disk on fire' } });
    expect(claims).toBe(3);
    await until(async () => (await contacts('C1')).length === before + 1, 'the message after it');
    expect(await outcomes('C1', [(await contacts('C1')).at(-1)!])).toEqual(['after the broken one']);
  });

  it('keeps a message while the event store is unavailable and applies it once the store is back, without dead-lettering it', async () => {
    const id = randomUUID();
    faults.set(id, { error: () => new StoreUnavailable('append to customer-C1'), times: 5 });
    const before = (await contacts('C1')).length;
    await publish([{ id, key: 'C1', value: { actor: 'rm1', interaction: { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'store back' } } }]);
    await until(async () => (await contacts('C1')).length === before + 1, 'the contact once the store is back');
    expect(dead.some((d) => d.message.id === id)).toBe(false);
  });

  it('relays integration events keyed by customer, from its checkpoint, at least once', async () => {
    const c = api(t);
    const sale = await c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId: 'C1', staffId: 'rm1', productCode: 'DEP-1Y', amount: '1000', revenue: '10.00' });
    expect(sale.status).toBe(201);
    const received: DeliveredMessage[] = [];
    const consumer = await t.runtime.bus.consume('integration.customers', 'test-relay', async (batch) => void received.push(...batch));
    try {
      const relay = new IntegrationRelay(t.runtime.store, t.runtime.bus, t.db.pool);
      // The store shows a commit once older transactions anywhere on the server have ended (other
      // test files run beside this one): drain until the sale has gone out.
      // C3 has a sale of the channel too (the grace test above): this one is found by its id.
      const isThisSale = (m: DeliveredMessage) => {
        const v = m.value as { type: string; data: { conversionId?: string } };
        return v.type === 'ConversionRecorded' && v.data.conversionId === sale.body.id;
      };
      await until(async () => (await relay.drain(), received.some(isThisSale)), 'the relayed sale');
      const relayed = received.find(isThisSale)!;
      expect(relayed.key).toBe('C1');
      expect(relayed.value).toMatchObject({ type: 'ConversionRecorded', data: { conversionId: sale.body.id, customerId: 'C1', revenue: '10.00' }, streamId: 'customer-C1' });
      // a second relay from the same checkpoint publishes nothing again
      expect(await new IntegrationRelay(t.runtime.store, t.runtime.bus, t.db.pool).drain()).toBe(0);
      await c.as('rm1').post('/api/interactions', { kind: 'reversal', customerId: 'C1', conversionId: sale.body.id, reason: 'cooling-off' });
      let more = 0;
      await until(async () => (more += await relay.drain()) >= 1, 'the reversal to be relayed');
      expect(more).toBe(1);
      await until(() => received.some((m) => (m.value as { type: string }).type === 'ConversionReversed'), 'the relayed reversal');
    } finally {
      await consumer.stop();
    }
  });
});
