import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { openApiDocument } from './openapi/openapi';
import { NestPinoLogger, type Runtime } from '@app/platform';
import { AppModule } from './app.module';
import helmet from 'helmet';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { auditMiddleware } from './http/audit.middleware';
import { ErrorFilter } from './http/error.filter';
import { sanitisedBody, strictBody, strictUrl } from './http/strict-body';
import { checkToken, type CheckedToken } from './http/auth';
import { serveWeb } from './web/static';
import { httpMetrics, metricsEndpoint } from './http/metrics.middleware';
import { unauthenticatedBodyLimit } from './http/unauthenticated-body';
import { isUpload } from './http/upload';
import type { Request } from 'express';

/** Builds the HTTP app on a started runtime; used by main.ts and by the API tests alike. */
const BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export async function createApi(runtime: Runtime): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime), {
    logger: new NestPinoLogger(runtime.log),
    bodyParser: false,
  });
  app.disable('x-powered-by');
  // Behind an ingress that terminates TLS: req.secure (Secure cookies) and the client address (rate limit, audit) come from its X-Forwarded-* headers.
  if (runtime.config.trustProxy > 0) app.set('trust proxy', runtime.config.trustProxy);
  // Security headers (helmet); the OpenAPI page needs its inline script and styles.
  app.use(helmet({ contentSecurityPolicy: false }));
  // Every request is timed (429s and refusals too); /metrics is here unless METRICS_PORT serves it apart.
  app.use(httpMetrics(runtime));
  if (runtime.config.metricsPort === undefined) app.use('/metrics', metricsEndpoint(runtime));
  runtime.metrics.observe({ projections: true });
  // Order matters: the rate limit first (a flood writes nothing; it checks the token), then the audit
  // log (so the strict input checks below are audited like every other refusal), then the checks and
  // the body limit for requests without a valid token, then the parser.
  app.use('/api', apiRateLimit(runtime));
  app.use(auditMiddleware(runtime));
  app.use('/api', strictUrl());
  // No parsing for strangers: without a valid token, a body over 4 KiB is refused unread (413), on every
  // path (/health and the web's files included; /metrics, above, never reads a body) and every method, before any check reads it.
  app.use(unauthenticatedBodyLimit(runtime));
  app.use('/api', strictBody());
  // A plan document's upload is read by its handler, after the guard, with its own limit (http/upload.ts): never by the JSON parser.
  // No endpoint takes a body on GET, HEAD, DELETE or OPTIONS: one sent there is never parsed (ignored unread).
  app.useBodyParser('json', { limit: '1mb', strict: true, type: (req) => !BODILESS.has((req as Request).method) && !isUpload(req as Request) && Boolean((req as Request).is('application/json')) });
  app.use('/api', sanitisedBody());
  // The front end (GET /): apps/web's build, public static files under a strict CSP; it reads the API with the user's session.
  serveWeb(app, runtime.log);
  app.useGlobalFilters(new ErrorFilter(runtime.log));
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * Requests per minute per bearer token (per client address for requests without one), on /api.
 * Over the limit: 429 in the error shape, with RateLimit headers saying when to come back.
 */
function apiRateLimit(runtime: Runtime) {
  return rateLimit({
    windowMs: 60_000,
    limit: runtime.config.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      // A valid token is limited by its id; anything else (no token, a forged or expired one) by the
      // client's address, so inventing tokens does not buy more requests.
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const checked = bearer ? checkToken(runtime, req as { checkedToken?: CheckedToken }, bearer) : undefined;
      return checked && 'claims' in checked ? `t:${checked.claims.tokenId}` : `a:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, res) => {
      res.locals.errorCode = 'RATE_LIMITED';
      res.status(429).json({ error: { code: 'RATE_LIMITED', message: `more than ${runtime.config.rateLimitPerMinute} requests a minute with this token; slow down`, details: { limitPerMinute: runtime.config.rateLimitPerMinute } } });
    },
  });
}
