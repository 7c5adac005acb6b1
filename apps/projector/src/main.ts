import 'reflect-metadata';
import { boundHeapGrowth, runMain, serveOps, startProjector } from '@app/platform';

/**
 * The projector process: follows the store's global stream and keeps the read models in
 * Postgres. On the embedded default the api runs the same projector in its own process.
 * One replica holds the advisory lock and projects; another stands by (and serves its metrics).
 */
// This process folds batches (catch-up, blue/green builds of a new version): its old generation is collected at twice
// what is alive, not four times (a rebuild's peak RSS; libs/platform/src/heap.ts).
boundHeapGrowth();
runMain('projector', async (runtime, config) => {
  runtime.metrics.observe({ projections: true });
  // Metrics and health first: a standby waiting for the lock is alive and says so.
  const ops = config.metricsPort !== undefined ? await serveOps(runtime, { port: config.metricsPort, host: config.host }) : undefined;
  if (!ops) runtime.log.info('no METRICS_PORT: /metrics and /health are not served by this process');
  await startProjector(runtime, { wait: true });
  // Lost the lock to another process while the database was away: exit, and stand by on restart.
  return { failed: runtime.projectorLost, close: async () => void (await ops?.close()) };
});
