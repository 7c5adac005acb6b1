import { HttpException, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The one route that takes a file rather than JSON: a campaign's plan document, sent as the raw
 * body (any Content-Type but JSON; the type is told by the bytes). The strict-body middleware lets
 * it through unread, the JSON parser never sees it, and the handler reads it itself, after the
 * guard: authenticated, allowed and in scope first, then streamed with the size limit.
 */
// Case-insensitive as Express's routing is: `/API/Campaigns/…` reaches the same handler and must skip the JSON parser too.
export const UPLOAD_PATH = /^\/api\/campaigns\/[^/]+\/plan-documents\/?$/i;

export const isUpload = (req: Pick<Request, 'method' | 'originalUrl'>): boolean => req.method === 'POST' && UPLOAD_PATH.test(req.originalUrl.split('?', 1)[0]!);

const NO_IDEMPOTENCY_STORE = Symbol('no-idempotency-store');
/**
 * A route that is idempotent by itself (the same bytes for the same campaign are the same
 * document) and whose body the idempotency store cannot fingerprint (it is not parsed).
 */
export const IdempotentByContent = () => SetMetadata(NO_IDEMPOTENCY_STORE, true);
export const isIdempotentByContent = (handler: object): boolean => Reflect.getMetadata(NO_IDEMPOTENCY_STORE, handler) === true;

export const tooLarge = (limit: number) =>
  new HttpException({ code: 'DOCUMENT_TOO_LARGE', message: `a plan document is at most ${limit} bytes`, details: { limit, field: 'planDocument' } }, 413);

/**
 * The request's body, up to `limit` bytes: a declared length over it is refused before a byte is
 * kept; a body that turns out longer is refused as soon as it passes the limit, and what was read
 * is dropped. The rest of a refused body is read and thrown away (Node does so for any answered
 * request), so the client, still sending, gets the answer rather than a reset connection.
 */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  // Already read by something before the handler: waiting for its end would wait for ever.
  if (req.readableEnded) return Promise.reject(new HttpException({ code: 'BODY_ALREADY_READ', message: 'the upload was read before its handler: send the file as raw bytes' }, 400));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      chunks.length = 0;
      req.resume();
      reject(tooLarge(limit));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
