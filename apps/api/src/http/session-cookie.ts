import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Runtime, Session } from '@app/platform';

/**
 * The browser's way in, beside the bearer token (API, CLI): a session cookie set by
 * `POST /api/auth/sign-in` (or the OpenID Connect callback). httpOnly and SameSite=Strict, so no
 * script reads it and no other site sends it; writes must also carry the session's CSRF token in
 * a header (the page reads it from the `cp_csrf` cookie: double submit, checked against the
 * session's own token, so a planted cookie does not help).
 */
export const SESSION_COOKIE = 'cp_session';
export const CSRF_COOKIE = 'cp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(req: Pick<Request, 'headers'>, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const sameToken = (a: string, b: string) => {
  // Compared as bytes: a header with characters outside ASCII has more bytes than characters.
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Sessions already looked up for a request (by the body-size check before the parser): one lookup per request. */
const resolved = new WeakMap<Request, { id: string; session: Session | null }>();

/** The live session behind `id` for this request, looked up at most once per request. */
export async function resolveSessionOnce(runtime: Runtime, req: Request, id: string): Promise<Session | null> {
  const known = resolved.get(req);
  if (known && known.id === id) return known.session;
  const session = await runtime.sessions.resolve(id);
  resolved.set(req, { id, session });
  return session;
}

/** All a user still on a one-time password may reach: see their session, change the password, sign out. */
const ONE_TIME_PASSWORD_ROUTES = new Set(['/api/auth/session', '/api/auth/password', '/api/auth/sign-out', '/api/auth/config']);

export type SessionRequest = Request & { authSession?: Session & { id: string } };

/**
 * Who a request without a bearer token acts for, from its session cookie; null when it has none.
 * An unknown or expired session is a 401; a write without the session's CSRF token a 403; and a
 * user still on a one-time password may only reach /api/auth/ (to change it, or sign out).
 */
export async function sessionSubject(runtime: Runtime, req: SessionRequest): Promise<{ userId: string; issuedAt: Date } | null> {
  const id = readCookie(req, SESSION_COOKIE);
  if (!id) return null;
  const session = await resolveSessionOnce(runtime, req, id);
  if (!session) throw new UnauthorizedException({ code: 'SESSION_EXPIRED', message: 'the session has ended or expired; sign in again' });
  if (!SAFE_METHODS.has(req.method) && !sameToken(String(req.header(CSRF_HEADER) ?? ''), session.csrfToken)) {
    throw new ForbiddenException({ code: 'CSRF_TOKEN_INVALID', message: `a write with a session cookie must carry the ${CSRF_HEADER} header from the ${CSRF_COOKIE} cookie` });
  }
  if (session.mustChangePassword && !ONE_TIME_PASSWORD_ROUTES.has(req.path)) {
    throw new ForbiddenException({ code: 'PASSWORD_CHANGE_REQUIRED', message: 'signed in with a one-time password: change it first (POST /api/auth/password)' });
  }
  req.authSession = { ...session, id };
  return { userId: session.staffId, issuedAt: session.createdAt };
}
