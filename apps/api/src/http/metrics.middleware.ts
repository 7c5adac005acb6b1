import type { NextFunction, Request, Response } from 'express';
import { serverSpan, validTraceparent, type Runtime } from '@app/platform';

/**
 * Times every request into the HTTP latency histogram, labelled with the route pattern
 * (`/api/customers/:id`, never the concrete path: ids would make a series per customer) and the
 * status class. Requests no route matched count as `(no route)`. With tracing on, each request is
 * a server span (a child of the caller's `traceparent`), active while the request is handled.
 */
export function httpMetrics(runtime: Runtime) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const span = serverSpan(req.method, validTraceparent(req.header('traceparent')));
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const pattern = route ? `${req.baseUrl}${route}` : ((res.locals.metricsRoute as string | undefined) ?? '(no route)');
      runtime.metrics.observeHttp(req.method, pattern, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      span.end(pattern, res.statusCode);
    });
    span.run(next);
  };
}

/** `GET /metrics` on the API's own port (when METRICS_PORT does not give it a port of its own): no token. */
export function metricsEndpoint(runtime: Runtime) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.locals.metricsRoute = '/metrics';
    runtime.metrics.text().then(
      (text) => res.status(200).setHeader('content-type', runtime.metrics.contentType).setHeader('cache-control', 'no-store').send(text),
      next,
    );
  };
}
