import 'reflect-metadata';
import { ConfigError, createLogger, loadConfig, startRuntime } from '@app/platform';
import { createApi } from './bootstrap';

/** `npm start`: the api (and, on the embedded default, everything else) in one process. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await startRuntime(config, log);
  const app = await createApi(runtime);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await app.close().catch((err) => log.error({ err: String(err) }, 'closing the api failed'));
    await runtime.close().catch((err) => log.error({ err: String(err) }, 'closing the runtime failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    await runtime.close();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  log.info({ url: `http://${config.host}:${config.port}`, docs: `http://${config.host}:${config.port}/docs` }, 'api listening');
}

main().catch((err: unknown) => {
  // One clear line, then a non-zero exit: bad configuration, unreachable database, port in use.
  const message = err instanceof ConfigError ? err.message : `startup failed: ${(err as Error)?.message ?? String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
