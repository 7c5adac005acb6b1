import 'reflect-metadata';
import { runMain } from '@app/platform';

/**
 * The ingest process: channel interactions in from Kafka, integration events out.
 * The consumers and the relay arrive with the messaging work; until then it starts and idles.
 */
runMain('ingest', async (runtime, config) => {
  runtime.log.info({ brokers: config.kafkaBrokers ?? 'none (Postgres outbox)' }, 'ingest started (no consumers registered yet)');
  return { close: async () => undefined };
});
