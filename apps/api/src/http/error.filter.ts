import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type DomainErrorKind } from '@app/domain';
import { EventStoreError, WrongExpectedVersion } from '@app/event-store';
import { isDatabaseUnavailable, type Logger } from '@app/platform';
import { ReplayedResponse } from './replayed-response';

/** The one error shape of the API: `{ error: { code, message, details } }`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: Record<string, unknown> };
}

const STATUS: Record<DomainErrorKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  illegal_state: HttpStatus.CONFLICT,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
};

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps every error to a status and the error shape, in one place. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DomainError) {
    return { status: STATUS[err.kind], body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  if (err instanceof WrongExpectedVersion) {
    return {
      status: HttpStatus.CONFLICT,
      body: { error: { code: err.code, message: 'the record was changed by someone else; retry', details: { stream: err.streamId } } },
    };
  }
  if (err instanceof EventStoreError && err.transient) {
    // The store did not answer or cannot be reached: worth trying again (a retried command is safe).
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { error: { code: err.code, message: err.message, details: {} } } };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const given = typeof res === 'object' && res !== null ? (res as Record<string, unknown>) : {};
    const parseFailed = (err.cause as { type?: unknown } | undefined)?.type === 'entity.parse.failed';
    const code = typeof given.code === 'string' ? given.code : parseFailed ? 'MALFORMED_JSON' : (HTTP_CODES[status] ?? `HTTP_${status}`);
    const message = typeof given.message === 'string' ? given.message : err.message;
    const details = typeof given.details === 'object' && given.details !== null ? (given.details as Record<string, unknown>) : {};
    return { status, body: { error: { code, message, details } } };
  }
  if (isDatabaseUnavailable(err)) {
    // PostgreSQL restarting or away: nothing was half-written (one append is one statement); try again.
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { error: { code: 'DATABASE_UNAVAILABLE', message: 'the database cannot be reached right now; try again', details: {} } } };
  }
  // body-parser errors (malformed JSON, too large) carry a status of their own.
  const e = err as { status?: unknown; type?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const code = e.type === 'entity.parse.failed' ? 'MALFORMED_JSON' : (HTTP_CODES[e.status] ?? `HTTP_${e.status}`);
    return { status: e.status, body: { error: { code, message: String(e.message ?? 'bad request'), details: {} } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error', details: {} } } };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(err: unknown, host: ArgumentsHost) {
    if (err instanceof ReplayedResponse) {
      host.switchToHttp().getResponse<Response>().status(err.statusCode).setHeader('Idempotent-Replayed', 'true').json(err.body);
      return;
    }
    const { status, body } = toHttpError(err);
    host.switchToHttp().getResponse<Response>().locals.errorCode = body.error.code;
    // 503 is expected weather (a store away, replays busy, a read model behind): one warn line, no stack.
    if (status === 503) this.log.warn({ code: body.error.code, reason: err instanceof Error ? err.message : String(err) }, 'service unavailable');
    else if (status >= 500) this.log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'request failed');
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
