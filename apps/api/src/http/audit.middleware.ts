import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '@app/domain';
import { traceIdOf, validTraceparent, type Runtime } from '@app/platform';
import type { CheckedToken } from './auth';

/** The user a valid token names, when the request was refused before the guard looked at it. */
const tokenSubject = (req: { checkedToken?: CheckedToken }) => (req.checkedToken && 'claims' in req.checkedToken ? req.checkedToken.claims.userId : undefined);

/** A read of one customer's records that was refused (no role, not in scope, no such customer): who looked is kept. */
const deniedCustomerRead = (req: Request, status: number) => req.method === 'GET' && req.path.startsWith('/api/customers/') && status >= 400 && status < 500;

/**
 * Records every command (POST under /api) with its actor, unit, correlation id and outcome —
 * refusals and 401/403 included — and every read that returned personal data. It listens for the
 * end of the response, so it sees what the guards and the error filter decided.
 */
export function auditMiddleware(runtime: Runtime) {
  return (req: Request & { actor?: Actor; tokenUserId?: string; checkedToken?: CheckedToken }, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/api/')) return next();
    // A caller's correlation id is kept only if it looks like one (it is stored and echoed in events).
    const given = req.header('x-correlation-id');
    // Without one, a W3C traceparent's trace id correlates the request, else a fresh id.
    if (!given || !/^[\w.:-]{1,100}$/.test(given)) {
      const traceparent = validTraceparent(req.header('traceparent'));
      req.headers['x-correlation-id'] = traceparent ? traceIdOf(traceparent) : randomUUID();
    }
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The access log names the route pattern, never the concrete path: ids in a URL stay out of logs.
      const route = (req.route as { path?: string } | undefined)?.path;
      runtime.log.info(
        { method: req.method, route: route ? `${req.baseUrl}${route}` : '(no route)', status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, actor: req.actor?.userId ?? null, correlationId: req.header('x-correlation-id') },
        'request',
      );
      const kind = req.method === 'POST' ? 'command' : res.locals.personalDataRead ? 'personal-data-read' : deniedCustomerRead(req, res.statusCode) ? 'denied-customer-read' : undefined;
      if (!kind) return;
      runtime.audit
        .record({
          // Refused before the guard (bad URL, body, media type)? The rate limiter already checked the token.
          actor: req.actor?.userId ?? req.tokenUserId ?? tokenSubject(req) ?? null,
          orgUnit: req.actor?.unitId ?? null,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          code: (res.locals.errorCode as string | undefined) ?? null,
          correlationId: req.header('x-correlation-id') ?? null,
          kind,
        })
        .catch((err) => runtime.log.error({ err: String(err) }, 'audit record failed'));
    });
    next();
  };
}
