import type { NextFunction, Request, Response } from 'express';
import { isUpload } from './upload';

/** Half a surrogate pair: text that is not valid Unicode (String#isWellFormed is ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const badText = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);

/** Deeper than this, a body is refused before anything walks it recursively. */
export const MAX_BODY_DEPTH = 32;

/** Why a parsed JSON body is refused, or null: too deep, or text PostgreSQL cannot store (NUL, half a surrogate pair). */
export function bodyProblem(body: unknown): { code: string; message: string } | null {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length) {
    const { value, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (badText(value)) return { code: 'INVALID_TEXT', message: 'text may not contain NUL characters or broken Unicode' };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH) return { code: 'BODY_TOO_DEEP', message: `the body nests deeper than ${MAX_BODY_DEPTH} levels` };
      for (const [k, v] of Object.entries(value)) {
        if (badText(k)) return { code: 'INVALID_TEXT', message: 'field names may not contain NUL characters or broken Unicode' };
        stack.push({ value: v, depth: depth + 1 });
      }
    }
  }
  return null;
}

const refuse = (res: Response, status: number, code: string, message: string) => {
  res.locals.errorCode = code;
  res.status(status).json({ error: { code, message, details: {} } });
};

/**
 * Strict input for commands: a body must be JSON (415 otherwise; an empty body counts as `{}`),
 * at most 32 levels deep, and its text storable. Runs before anything reads the body.
 */
export function strictBody() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
    // A plan document is a file whatever its Content-Type, read by its handler after the guard (http/upload.ts); the JSON parser skips it.
    if (isUpload(req)) return next();
    if (hasBody && !req.is('application/json')) return refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON (Content-Type: application/json)');
    next();
  };
}

/** Control characters (NUL and the rest of C0, DEL) have no place in a path or a query value. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Ids are 1–64 characters (`id` in libs/interactions); no path segment is longer. */
export const MAX_PATH_SEGMENT = 64;

/**
 * The URL gets the same care as bodies: a path segment or query value that decodes to control
 * characters or broken Unicode is refused (400) before it reaches a handler or the database, and
 * so is a path segment longer than any id (before the idempotency store or a stream name sees it).
 */
export function strictUrl() {
  return (req: Request, res: Response, next: NextFunction) => {
    const [path, query = ''] = req.originalUrl.split('?', 2) as [string, string?];
    const segments = path.split('/');
    for (const raw of segments) {
      if (raw.length > MAX_PATH_SEGMENT * 12) return refuse(res, 400, 'ID_TOO_LONG', `ids in the path are at most ${MAX_PATH_SEGMENT} characters`);
      let text: string;
      try {
        text = decodeURIComponent(raw);
      } catch {
        return refuse(res, 400, 'MALFORMED_URL', 'the URL has a malformed percent-encoding');
      }
      if ([...text].length > MAX_PATH_SEGMENT) return refuse(res, 400, 'ID_TOO_LONG', `ids in the path are at most ${MAX_PATH_SEGMENT} characters`);
    }
    const parts = [...segments, ...query.split('&').flatMap((kv) => kv.split('='))];
    for (const raw of parts) {
      let text: string;
      try {
        text = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        return refuse(res, 400, 'MALFORMED_URL', 'the URL has a malformed percent-encoding');
      }
      if (CONTROL.test(text) || LONE_SURROGATE.test(text)) return refuse(res, 400, 'INVALID_TEXT', 'the URL may not contain control characters or broken Unicode');
    }
    next();
  };
}

/** After JSON parsing: depth and text checks. */
export function sanitisedBody() {
  return (req: Request, res: Response, next: NextFunction) => {
    const problem = req.body === undefined ? null : bodyProblem(req.body);
    if (problem) return refuse(res, 400, problem.code, problem.message);
    next();
  };
}
