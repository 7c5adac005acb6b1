import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { OrganisationView } from '@app/application';
import { IntegrationRelay, KafkaMessageBus, type BusConsumer, type DeliveredMessage } from '@app/messaging';
import { FakeKafka } from '../../libs/messaging/src/kafka/fake-kafka';
import { api, seedCustomer, seedOrganisation } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { INTERACTIONS_TOPIC, startInteractionIngest } from '../../apps/ingest/src/interaction-ingest';

/**
 * Trace context end to end, without OpenTelemetry (no OTEL_EXPORTER_OTLP_ENDPOINT): a request's
 * traceparent and correlation id go into its events' metadata; the relay puts them in the Kafka
 * headers of the integration events (a stand-in Kafka here); a channel message's headers go into
 * the events the ingest appends, and out again on the integration events they cause.
 */
describe('trace context: request → events → Kafka headers; Kafka message → ingest → events → Kafka', () => {
  let t: TestApp;
  let kafka: FakeKafka;
  let bus: KafkaMessageBus;
  let ingest: BusConsumer;
  let out: BusConsumer;
  const received: DeliveredMessage[] = [];
  const until = async (check: () => Promise<boolean> | boolean, what: string) => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const metadataOf = async (streamId: string, type: string) =>
    (await t.db.pool.query(`SELECT metadata FROM es_events WHERE stream_id = $1 AND type = $2 ORDER BY stream_position DESC LIMIT 1`, [streamId, type])).rows[0]?.metadata;

  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R2' });
    await seedCustomer(t, 'C2', { tolerance: 'R2' });
    kafka = new FakeKafka();
    bus = new KafkaMessageBus(kafka.client, { retryInitialMs: 1 });
    ingest = await startInteractionIngest({
      commands: t.app.get(CommandBus),
      store: t.runtime.store,
      bus,
      organisation: new OrganisationView(t.runtime.store),
      ledger: t.runtime.idempotency,
      log: { info: () => undefined, warn: () => undefined },
      graceDays: t.runtime.config.backdateGraceDays,
    });
    out = await bus.consume('integration.customers', 'test-trace', async (batch) => void received.push(...batch));
  });
  afterAll(async () => {
    await ingest?.stop();
    await out?.stop();
    await bus?.close();
    await t?.close();
  });

  it('keeps a request\'s traceparent and correlation id in the metadata of its events', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const r = await api(t).as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'reached' }, { traceparent, 'x-correlation-id': 'branch-req-17' });
    expect(r.status).toBe(201);
    expect(await metadataOf('customer-C1', 'CustomerContacted')).toMatchObject({ traceparent, correlationId: 'branch-req-17' });
  });

  it('correlates a request by its trace id when it has no correlation id, and ignores a malformed traceparent', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    expect((await api(t).as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'sms', outcome: 'sent' }, { traceparent })).status).toBe(201);
    expect(await metadataOf('customer-C1', 'CustomerContacted')).toMatchObject({ traceparent, correlationId: '0af7651916cd43dd8448eb211c80319c' });
    // Version ff and an all-zero trace id are not traceparents: nothing is stored.
    for (const bad of ['ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00', '00-00000000000000000000000000000000-b7ad6b7169203331-01', "00-x'; DROP TABLE es_events;--"]) {
      expect((await api(t).as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'email', outcome: 'sent' }, { traceparent: bad })).status).toBe(201);
      expect((await metadataOf('customer-C1', 'CustomerContacted')).traceparent).toBeUndefined();
    }
  });

  it('passes a request\'s trace into the Kafka headers of the integration events the relay publishes', async () => {
    const traceparent = '00-11111111111111111111111111111111-2222222222222222-01';
    const sale = await api(t).as('rm1').post('/api/interactions', { kind: 'conversion', customerId: 'C1', staffId: 'rm1', productCode: 'DEP-1Y', amount: '1000', revenue: '10.00' }, { traceparent, 'x-correlation-id': 'sale-1' });
    expect(sale.status).toBe(201);
    const relay = new IntegrationRelay(t.runtime.store, bus, t.db.pool, { name: 'trace-test-1' });
    await until(async () => (await relay.drain(), received.some((m) => (m.value as { data: { conversionId: string } }).data.conversionId === sale.body.id)), 'the relayed sale');
    const relayed = received.find((m) => (m.value as { data: { conversionId: string } }).data.conversionId === sale.body.id)!;
    expect(relayed.headers).toMatchObject({ traceparent, 'correlation-id': 'sale-1', 'event-type': 'ConversionRecorded' });
  });

  it('takes a channel message\'s trace headers into the events it causes, and out again on Kafka', async () => {
    const traceparent = '00-33333333333333333333333333333333-4444444444444444-01';
    const id = randomUUID();
    await bus.publish(INTERACTIONS_TOPIC, [
      {
        id,
        key: 'C2',
        value: { actor: 'rm1', interaction: { kind: 'conversion', customerId: 'C2', staffId: 'rm1', productCode: 'DEP-1Y', amount: '500', revenue: '5.00' } },
        headers: { traceparent, 'correlation-id': 'app-session-9' },
      },
    ]);
    await until(async () => (await metadataOf('customer-C2', 'ConversionRecorded')) !== undefined, 'the sale from the channel');
    expect(await metadataOf('customer-C2', 'ConversionRecorded')).toMatchObject({ traceparent, correlationId: 'app-session-9' });
    const relay = new IntegrationRelay(t.runtime.store, bus, t.db.pool, { name: 'trace-test-2' });
    await until(async () => (await relay.drain(), received.some((m) => (m.value as { data: { conversionId: string } }).data.conversionId === id)), 'the relayed channel sale');
    expect(received.find((m) => (m.value as { data: { conversionId: string } }).data.conversionId === id)!.headers).toMatchObject({ traceparent, 'correlation-id': 'app-session-9' });
  });
});
