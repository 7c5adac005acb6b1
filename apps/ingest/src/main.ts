import 'reflect-metadata';
import { OrganisationView } from '@app/event-store';
import { startInteractionIngest, INTERACTIONS_TOPIC } from '@app/interactions';
import { IntegrationRelay } from '@app/messaging';
import { runMain } from '@app/platform';

/**
 * The ingest process: channel interactions in (Kafka topic `channel.interactions`, or the Postgres
 * bus without KAFKA_BROKERS) as customer commands, refusals to `channel.interactions.dlq`; and the
 * integration events out (`integration.customers`, `integration.campaigns`), keyed, at least once.
 */
runMain('ingest', async (runtime) => {
  const consumer = await startInteractionIngest({
    store: runtime.store,
    bus: runtime.bus,
    organisation: new OrganisationView(runtime.store),
    ledger: runtime.idempotency,
    log: runtime.log,
  });
  const relay = new IntegrationRelay(runtime.store, runtime.bus, runtime.db.pool, { log: runtime.log });
  relay.start();
  runtime.log.info({ bus: runtime.bus.kind, consuming: INTERACTIONS_TOPIC }, 'ingest running: interactions in, integration events out');
  return {
    async close() {
      await consumer.stop();
      await relay.stop();
    },
  };
});
