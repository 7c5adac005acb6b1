import { ConfigError, loadConfig, type AppConfig } from './config';
import { createLogger } from './logger';
import { startRuntime, type Runtime } from './runtime';
import { startTracing } from './tracing';

export interface Started {
  close(): Promise<void>;
  /**
   * Settles when the app has stopped working on its own and will not recover (a Kafka consumer
   * crash kafkajs does not restart from): the process then closes and exits 1, so that its
   * orchestrator starts it again.
   */
  readonly failed?: Promise<unknown>;
}

/**
 * The life of every app process: validate configuration, start the runtime, start the app,
 * close both in order on SIGINT/SIGTERM. A failure to start is one line on stderr and exit 1.
 */
export function runMain(name: string, start: (runtime: Runtime, config: AppConfig) => Promise<Started>): void {
  void (async () => {
    const config = loadConfig();
    const log = createLogger(config.logLevel).child({ app: name });
    // Before anything runs: spans are exported only with OTEL_EXPORTER_OTLP_ENDPOINT.
    const tracing = startTracing(config, name, log);
    const runtime = await startRuntime(config, log, { app: name });
    let app: Started;
    try {
      app = await start(runtime, config);
    } catch (err) {
      await runtime.close();
      throw err;
    }
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      await app.close().catch((err) => log.error({ err: String(err) }, 'closing the app failed'));
      await runtime.close().catch((err) => log.error({ err: String(err) }, 'closing the runtime failed'));
      await tracing?.shutdown();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    void app.failed?.then(async (err) => {
      if (stopping) return;
      stopping = true;
      log.fatal({ err: String((err as Error)?.message ?? err) }, 'stopped working and will not recover on its own: exiting for a restart');
      await app.close().catch(() => undefined);
      await runtime.close().catch(() => undefined);
      await tracing?.shutdown();
      process.exit(1);
    });
  })().catch((err: unknown) => {
    const message = err instanceof ConfigError ? err.message : `${name}: startup failed: ${(err as Error)?.message ?? String(err)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
