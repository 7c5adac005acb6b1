import { reactive } from 'vue';
import { api, ApiError, CSRF_COOKIE, forgetWrittenPosition, readCookie } from './api';
import type { operations } from './api/openapi';

/** How staff sign in here (`password`, or `oidc` through the bank's provider) and the bank's time zone: generated from the OpenAPI document. */
export type AuthConfig = operations['AuthController_config']['responses']['200']['content']['application/json'];

/** Who is signed in (GET /api/auth/session, and the answer of sign-in and password change). */
export type Me = operations['AuthController_session']['responses']['200']['content']['application/json'];
type SignedIn = operations['AuthController_signIn']['responses']['200']['content']['application/json'];
type PasswordChanged = operations['AuthController_changePassword']['responses']['200']['content']['application/json'];
type SignedOut = operations['AuthController_signOut']['responses']['200']['content']['application/json'];

export const session = reactive<{ config: AuthConfig | null; me: Me | null; checked: boolean; notice: string }>({
  config: null,
  me: null,
  checked: false,
  notice: '',
});

export function timeZone(): string {
  return session.config?.bankTimeZone ?? 'Asia/Shanghai';
}

export async function loadSession(): Promise<void> {
  session.config = await api<AuthConfig>('/api/auth/config');
  // The CSRF cookie lives exactly as long as a session: without it there is none to ask about.
  if (!readCookie(CSRF_COOKIE)) {
    session.checked = true;
    return;
  }
  try {
    session.me = await api<Me>('/api/auth/session');
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    session.me = null;
  }
  session.checked = true;
}

export async function signIn(staffId: string, password: string): Promise<void> {
  session.me = await api<SignedIn>('/api/auth/sign-in', { method: 'POST', body: { staffId, password } });
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  session.me = await api<PasswordChanged>('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
}

export async function signOut(): Promise<void> {
  await api<SignedOut>('/api/auth/sign-out', { method: 'POST', body: {} }).catch(() => undefined);
  forgetWrittenPosition();
  session.me = null;
}
