import { HttpException, Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { invalid, type Actor } from '@app/domain';
import type { IdempotencyStore, Runtime } from '@app/platform';
import { RUNTIME } from '@app/application';
import { toHttpError } from './error.filter';
import { ReplayedResponse } from './replayed-response';
import { isIdempotentByContent } from './upload';

const KEY = /^[\w.:-]{1,200}$/;

/**
 * `Idempotency-Key` on any command: the first response (success or refusal) is stored, and a
 * repeat with the same key and body returns it without running the command again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly store: IdempotencyStore;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.store = runtime.idempotency;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor; idempotencyKey?: string }>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined || isIdempotentByContent(context.getHandler())) return next.handle();
    return from(this.handle(req, context.switchToHttp().getResponse<Response>(), key, next));
  }

  private async handle(req: Request & { actor?: Actor; idempotencyKey?: string }, res: Response, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY.test(key)) throw invalid('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key is 1–200 letters, digits, _ . : -');
    const scope = `${req.actor?.userId ?? '-'} ${req.method} ${req.path}`;
    const requestHash = this.store.hash(req.body);
    const claim = await this.store.claim(scope, key, requestHash);
    switch (claim.kind) {
      case 'replay':
        throw new ReplayedResponse(claim.status, claim.body);
      case 'in_progress':
        throw new HttpException({ code: 'REQUEST_IN_PROGRESS', message: 'a request with this Idempotency-Key is still being processed' }, 409);
      case 'mismatch':
        throw new HttpException({ code: 'IDEMPOTENCY_KEY_REUSED', message: 'this Idempotency-Key was used for a different request' }, 422);
    }
    // The hash keeps event ids apart if the key is reused for another body once it has expired.
    req.idempotencyKey = `${scope} ${key} ${requestHash}`;
    try {
      const body = await lastValueFrom(next.handle());
      await this.store.complete(scope, key, res.statusCode, body);
      return body;
    } catch (err) {
      const { status, body } = toHttpError(err);
      if (status >= 500) await this.store.release(scope, key);
      else await this.store.complete(scope, key, status, body);
      throw err;
    }
  }
}
