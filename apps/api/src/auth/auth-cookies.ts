import type { Request, Response } from 'express';
import { CSRF_COOKIE, SESSION_COOKIE } from '../http/session-cookie';

/**
 * Sets the session cookie (httpOnly: no script reads it) and the CSRF cookie (readable by the page,
 * which echoes it in a header); both SameSite=Strict, whole site, Secure when served over HTTPS.
 */
export function setSessionCookies(req: Request, res: Response, session: { id: string; csrfToken: string; expiresAt: Date }): void {
  const common = { sameSite: 'strict' as const, secure: req.secure, path: '/', expires: session.expiresAt };
  res.cookie(SESSION_COOKIE, session.id, { ...common, httpOnly: true });
  res.cookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(req: Request, res: Response): void {
  for (const name of [SESSION_COOKIE, CSRF_COOKIE]) res.clearCookie(name, { sameSite: 'strict', secure: req.secure, path: '/', httpOnly: name === SESSION_COOKIE });
}
