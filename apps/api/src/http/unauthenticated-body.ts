import type { NextFunction, Request, Response } from 'express';
import type { Runtime } from '@app/platform';
import { checkToken, type CheckedToken } from './auth';
import { readCookie, resolveSessionOnce, SESSION_COOKIE } from './session-cookie';

/** Without a valid token a request may carry this much body (the first-run bootstrap is well under it). */
export const UNAUTHENTICATED_BODY_LIMIT = 4096;

/**
 * No work before authentication: a request on any path and of any method without a valid bearer token (checked once, as
 * the rate limiter already did) or a live browser session (one lookup by the cookie's hash, kept for the guard) and with a body over 4 KiB — or of unknown length — is answered
 * 413 BODY_TOO_LARGE_WITHOUT_TOKEN before the JSON parser reads it (a size refusal, also on the
 * public first-run bootstrap). Outside /api no route takes a body: there the session cookie is not
 * even looked up (no database work before the 413). The guard still decides everything else.
 */
export function unauthenticatedBodyLimit(runtime: Runtime) {
  return async (req: Request & { checkedToken?: CheckedToken }, res: Response, next: NextFunction) => {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const checked = bearer ? checkToken(runtime, req, bearer) : undefined;
    if (checked && 'claims' in checked) return next();
    const declared = req.headers['content-length'];
    const length = declared === undefined ? (req.headers['transfer-encoding'] ? Infinity : 0) : Number(declared);
    if (!(length > UNAUTHENTICATED_BODY_LIMIT)) return next();
    // A signed-in browser (session cookie) is authenticated too; the guard checks its CSRF token later.
    // Only the API reads a body: outside /api (/health, the web's files) the size alone refuses it,
    // before any database work — a cookie, forged or not, buys no session lookup there.
    const session = req.path.startsWith('/api/') ? readCookie(req, SESSION_COOKIE) : undefined;
    if (session && !bearer) {
      try {
        if (await resolveSessionOnce(runtime, req, session)) return next();
      } catch (err) {
        return next(err);
      }
    }
    res.locals.errorCode = 'BODY_TOO_LARGE_WITHOUT_TOKEN';
    res.status(413).json({
      error: { code: 'BODY_TOO_LARGE_WITHOUT_TOKEN', message: `send a bearer token: without one a body may be at most ${UNAUTHENTICATED_BODY_LIMIT} bytes`, details: { limit: UNAUTHENTICATED_BODY_LIMIT } },
    });
  };
}
