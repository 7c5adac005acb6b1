import 'reflect-metadata';
import { startApplication } from '@app/application';
import { kafkaBusLag, postgresBusLag, runMain, serveOps } from '@app/platform';
import { INTEGRATION_EVENTS, IntegrationRelay } from '@app/messaging';
import { DEAD_LETTER_TOPIC, INGEST_GROUP, INTERACTIONS_TOPIC, startInteractionIngest } from './interaction-ingest';

/**
 * The ingest process: channel interactions in (Kafka topic `channel.interactions`, or the Postgres
 * bus without KAFKA_BROKERS) as customer commands on the application's CommandBus, refusals to
 * `channel.interactions.dlq`; and the integration events out (`integration.customers`,
 * `integration.campaigns`), keyed, at least once.
 */
runMain('ingest', async (runtime, config) => {
  // Consumer lag per group: from the Postgres bus's offsets, or Kafka's own (an admin client of its own).
  const kafkaLag = config.kafkaBrokers ? kafkaBusLag(config.kafkaBrokers, [INGEST_GROUP]) : undefined;
  runtime.metrics.observe({ busLag: kafkaLag ? kafkaLag.lag : postgresBusLag(runtime.db.pool) });
  const ops = config.metricsPort !== undefined ? await serveOps(runtime, { port: config.metricsPort, host: config.host, projections: false }) : undefined;
  const application = await startApplication(runtime);
  // Kafka: the producer connected (retrying while the brokers start) and the topics created, before traffic.
  await runtime.bus.ready([INTERACTIONS_TOPIC, DEAD_LETTER_TOPIC, ...new Set(Object.values(INTEGRATION_EVENTS).map((r) => r.topic))]);
  const consumer = await startInteractionIngest({
    commands: application.commands,
    store: runtime.store,
    bus: runtime.bus,
    organisation: application.directory,
    ledger: runtime.idempotency,
    log: runtime.log,
    graceDays: config.backdateGraceDays,
    maxDeliveryDelayHours: config.ingestMaxDeliveryDelayHours,
  });
  const relay = new IntegrationRelay(runtime.store, runtime.bus, runtime.db.pool, { log: runtime.log });
  relay.start();
  runtime.log.info({ bus: runtime.bus.kind, consuming: INTERACTIONS_TOPIC }, 'ingest running: interactions in, integration events out');
  return {
    // A consumer crash kafkajs does not restart from: exit non-zero, the orchestrator restarts us.
    failed: consumer.failed,
    async close() {
      await consumer.stop();
      await relay.stop();
      await application.close();
      await ops?.close();
      await kafkaLag?.close();
    },
  };
});
