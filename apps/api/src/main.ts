import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { ORGANISATION_STREAM } from '@app/domain';
import { boundHeapGrowth, runMain, serveOps, startProjector } from '@app/platform';
import { createApi } from './bootstrap';
import { seedDemo, seedStatus, START_OVER } from '@app/demo';

/** `npm start`: the HTTP api on PORT (on the embedded default, the whole product in one process). */
runMain('api', async (runtime, config) => {
  if (config.runProjector) {
    // Projecting here (the embedded default): old generation at 2× what is alive, as in apps/projector (platform heap.ts).
    boundHeapGrowth();
    await startProjector(runtime, { wait: true });
  }
  const app = await createApi(runtime);
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  runtime.log.info({ url: `http://${config.host}:${config.port}`, docs: `http://${config.host}:${config.port}/docs` }, 'api listening');
  // METRICS_PORT: /metrics (and health) on a port of their own, not exposed with the API.
  const ops = config.metricsPort !== undefined ? await serveOps(runtime, { port: config.metricsPort, host: config.host }) : undefined;

  // A newcomer's first start: an empty store gets a demo bank and history, written in the background.
  const stop = new AbortController();
  let seeding: Promise<unknown> = Promise.resolve();
  if (config.seedDemo.enabled && (await seedStatus(runtime)) === 'interrupted') runtime.log.error(START_OVER);
  else if (config.seedDemo.enabled && (await runtime.store.readStream(ORGANISATION_STREAM)).length === 0) {
    const { customers, months } = config.seedDemo;
    runtime.log.info({ customers, months }, 'empty store: seeding a demo history (SEED_DEMO=false turns this off)');
    seeding = seedDemo(runtime, app.get(CommandBus), { customers, months, seed: 1, signal: stop.signal }).then(
      (r) => runtime.log.info({ events: r.events, seconds: r.seconds, campaigns: r.campaigns.map((c) => c.campaignId) }, 'demo seeded: tokens with `npm run cli -- token --user <id>` (README)'),
      (err) => !stop.signal.aborted && runtime.log.error({ err: String(err) }, 'demo seeding failed'),
    );
  }
  return {
    // Projecting in this process and lost the lock to another process while the database was away:
    // exit for a restart (standing by at start), as the projector process does, so that two
    // processes never apply the same events.
    failed: config.runProjector ? runtime.projectorLost : undefined,
    async close() {
      stop.abort();
      await seeding;
      await app.close();
      await ops?.close();
    },
  };
});
