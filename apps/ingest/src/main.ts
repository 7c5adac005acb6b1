import 'reflect-metadata';
import { startApplication } from '@app/application';
import { IntegrationRelay } from '@app/messaging';
import { runMain } from '@app/platform';
import { INTERACTIONS_TOPIC, startInteractionIngest } from './interaction-ingest';

/**
 * The ingest process: channel interactions in (Kafka topic `channel.interactions`, or the Postgres
 * bus without KAFKA_BROKERS) as customer commands on the application's CommandBus, refusals to
 * `channel.interactions.dlq`; and the integration events out (`integration.customers`,
 * `integration.campaigns`), keyed, at least once.
 */
runMain('ingest', async (runtime) => {
  const application = await startApplication(runtime);
  const consumer = await startInteractionIngest({
    commands: application.commands,
    store: runtime.store,
    bus: runtime.bus,
    organisation: application.directory,
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
      await application.close();
    },
  };
});
