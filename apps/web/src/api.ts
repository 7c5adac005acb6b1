// The one way the front end talks to the API: same-origin fetch with the session cookie, the
// CSRF token (double submit: the readable cookie's value in a header) on every write, and an
// Idempotency-Key on every command, so a retried click never records a fact twice.

export const CSRF_COOKIE = 'cp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Called when the API says the session is gone (401): the app shows the sign-in form. */
let onSignedOut: (error: ApiError) => void = () => undefined;
export function whenSignedOut(handler: (error: ApiError) => void): void {
  onSignedOut = handler;
}

export function readCookie(name: string, cookies = document.cookie): string | undefined {
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** A fresh key for one user action (a button press); pass the same one to retry that action. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  /** Commands carry one; the sign-in endpoints do not need it. */
  readonly idempotencyKey?: string;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: method === 'GET' ? undefined : JSON.stringify(options.body ?? {}) });
  return answer<T>(res, path);
}

/** The body of a JSON answer, or its refusal as an ApiError (a 401 also signs the page out). */
async function answer<T>(res: Response, path: string): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: Record<string, unknown> } };
  if (!res.ok) {
    const error = new ApiError(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? res.statusText, body.error?.details ?? {});
    if (res.status === 401 && !path.startsWith('/api/auth/sign-in')) onSignedOut(error);
    throw error;
  }
  return body as T;
}

/**
 * Sends a file as the raw body (a campaign's plan document): the API tells its type by its bytes.
 * No idempotency key: the same bytes for the same campaign are the same document anyway.
 */
export async function upload<T>(path: string, file: Blob): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/octet-stream' };
  const csrf = readCookie(CSRF_COOKIE);
  if (csrf) headers[CSRF_HEADER] = csrf;
  const res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: file });
  return answer<T>(res, path);
}

/**
 * Read your own writes across screens: the position of the last fact this tab recorded. A screen
 * opened after a command (the inbox after filing a request) asks for at least this position, so
 * it never shows the world from before the user's own click.
 */
const WRITTEN_KEY = 'cp_written_position';
let written: string | undefined;
export function lastWrittenPosition(): string | undefined {
  if (written) return written;
  try {
    return sessionStorage.getItem(WRITTEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
/** Forgets this tab's last write (a position the store never reached; signing out). */
export function forgetWrittenPosition(): void {
  written = undefined;
  try {
    sessionStorage.removeItem(WRITTEN_KEY);
  } catch {
    // private mode: nothing was stored
  }
}
/** Keeps the later of two positions ("<commit>/<prepare>"): answers can arrive out of order. */
export function laterPosition(a: string | undefined, b: string): string {
  if (!a) return b;
  const [ac, ap] = a.split('/').map((x) => BigInt(x));
  const [bc, bp] = b.split('/').map((x) => BigInt(x));
  return ac! > bc! || (ac === bc && ap! >= bp!) ? a : b;
}
function remember(answer: unknown): void {
  const position = (answer as { position?: unknown } | null)?.position;
  if (typeof position !== 'string' || !/^\d+\/\d+$/.test(position)) return;
  written = laterPosition(lastWrittenPosition(), position);
  try {
    sessionStorage.setItem(WRITTEN_KEY, written);
  } catch {
    // private mode: the tab's memory is enough
  }
}
/**
 * A read-model GET that reflects at least the last fact this tab recorded (or `minPosition`, if later).
 * The API waits up to 5 s for it; while the read model is still behind (503 READ_MODEL_BEHIND) it is
 * asked again, twice, and after that the screen shows what there is (its freshness line says how old).
 */
export async function readFresh<T>(path: string, minPosition?: string | null): Promise<T> {
  const written = lastWrittenPosition();
  const wanted = minPosition ? laterPosition(written, minPosition) : written;
  if (!wanted) return api<T>(path);
  const url = `${path}${path.includes('?') ? '&' : '?'}minPosition=${encodeURIComponent(wanted)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await api<T>(url);
    } catch (err) {
      // A position this store never reached (the database was restored or reseeded since this tab wrote):
      // forget it, and read without it, instead of failing every screen until the tab is closed.
      if (err instanceof ApiError && (err.code === 'POSITION_AHEAD' || err.code === 'INVALID_POSITION')) {
        forgetWrittenPosition();
        return api<T>(path);
      }
      if (!(err instanceof ApiError) || err.code !== 'READ_MODEL_BEHIND') throw err;
      if (attempt === 3) return api<T>(path);
    }
  }
}

/** A command: POST with a fresh (or the given) idempotency key; its position is remembered (above). */
export async function command<T>(path: string, body: unknown, idempotencyKey = newIdempotencyKey()): Promise<T> {
  const answer = await api<T>(path, { method: 'POST', body, idempotencyKey });
  remember(answer);
  return answer;
}

/**
 * Which field a refusal concerns, so the form can show it beside that field: validation errors
 * list each problem with its path; rule refusals (422) name a field in `details.field`.
 */
export interface FieldError {
  readonly code: string;
  readonly message: string;
}

export function fieldErrors(error: unknown): Record<string, FieldError> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, FieldError> = {};
  const problems = error.details.problems;
  if (Array.isArray(problems)) {
    for (const p of problems as { path?: unknown; message?: unknown }[]) {
      if (typeof p.path === 'string') out[p.path] = { code: error.code, message: String(p.message ?? error.message) };
    }
  }
  if (typeof error.details.field === 'string') out[error.details.field] = { code: error.code, message: error.message };
  return out;
}
