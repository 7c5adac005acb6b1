import { createServer, type Server } from 'node:http';
import { checkReadiness } from './readiness';
import type { Runtime } from './runtime';

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A small HTTP server for operators on METRICS_PORT, apart from the API: `GET /metrics`
 * (Prometheus text), `GET /health` (liveness) and `GET /health/ready` (the store and the
 * database answer; projection lag). The projector and the ingest have no other HTTP server; the
 * api uses it so that /metrics is not exposed with the API.
 */
export async function serveOps(runtime: Runtime, options: { port: number; host: string; projections?: boolean }): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/json', JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED', message: 'GET only', details: {} } }));
    if (path === '/metrics') {
      void runtime.metrics.text().then(
        (text) => send(200, runtime.metrics.contentType, text),
        (err: unknown) => send(500, 'text/plain', String(err)),
      );
      return;
    }
    if (path === '/health') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready') {
      void checkReadiness(runtime, { maxLagSeconds: runtime.config.readyMaxLagSeconds, projections: options.projections }).then((r) =>
        r.ready
          ? send(200, 'application/json', JSON.stringify({ status: 'ready', store: r.store, database: r.database, projections: r.projections }))
          : send(503, 'application/json', JSON.stringify({ error: { code: r.code, message: r.message, details: { store: r.store, database: r.database, projections: r.projections } } })),
      );
      return;
    }
    send(404, 'application/json', JSON.stringify({ error: { code: 'NOT_FOUND', message: `no ${path} here: /metrics, /health, /health/ready`, details: {} } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  runtime.log.info({ url: `http://${options.host}:${port}/metrics` }, 'metrics and health listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
