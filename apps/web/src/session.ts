import { reactive } from 'vue';
import { api, ApiError, CSRF_COOKIE, forgetWrittenPosition, readCookie } from './api';

export interface AuthConfig {
  /** `password`: staff id and password here; `oidc`: through the bank's OpenID Connect provider. */
  readonly mode: 'password' | 'oidc';
  readonly bankTimeZone: string;
}

export interface Me {
  readonly staffId: string;
  readonly displayName: string;
  readonly role: string;
  readonly unitId: string;
  readonly mustChangePassword: boolean;
}

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
  session.me = await api<Me>('/api/auth/sign-in', { method: 'POST', body: { staffId, password } });
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  session.me = await api<Me>('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
}

export async function signOut(): Promise<void> {
  await api('/api/auth/sign-out', { method: 'POST', body: {} }).catch(() => undefined);
  forgetWrittenPosition();
  session.me = null;
}
