import type { NextFunction, Request, Response } from 'express';

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
    if (hasBody && !req.is('application/json')) return refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON (Content-Type: application/json)');
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
