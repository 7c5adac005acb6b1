import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

/**
 * Browser sessions: an opaque random id in an httpOnly, SameSite=Strict cookie, stored only as its
 * SHA-256 (a copy of the table opens no session), with a CSRF token of its own that the page sends
 * back in a header on every write (the double-submit pattern, checked against this row).
 */
export interface Session {
  readonly staffId: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly via: 'password' | 'oidc';
  /** The user signed in with a one-time password and has not changed it yet. */
  readonly mustChangePassword: boolean;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export class SessionStore {
  private lastSweep = -Infinity;

  constructor(
    private readonly pool: Pool,
    private readonly ttlHours: number,
  ) {}

  async create(staffId: string, via: Session['via']): Promise<{ id: string; csrfToken: string; expiresAt: Date }> {
    await this.sweepIfDue();
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlHours * 3_600_000);
    await this.pool.query(`INSERT INTO auth_sessions (id_hash, staff_id, csrf_token, via, expires_at) VALUES ($1, $2, $3, $4, $5)`, [hashId(id), staffId, csrfToken, via, expiresAt]);
    return { id, csrfToken, expiresAt };
  }

  async resolve(id: string): Promise<Session | null> {
    const { rows } = await this.pool.query(
      `SELECT s.staff_id, s.csrf_token, s.created_at, s.via, COALESCE(c.must_change, false) AND s.via = 'password' AS must_change
       FROM auth_sessions s LEFT JOIN staff_credentials c USING (staff_id) WHERE s.id_hash = $1 AND s.expires_at > now()`,
      [hashId(id)],
    );
    const r = rows[0];
    return r ? { staffId: r.staff_id, csrfToken: r.csrf_token, createdAt: r.created_at, via: r.via, mustChangePassword: r.must_change } : null;
  }

  async end(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM auth_sessions WHERE id_hash = $1`, [hashId(id)]);
  }

  /** Every session of the user ends when an admin sets them a one-time password (a reset). */
  async endAll(staffId: string): Promise<void> {
    await this.pool.query(`DELETE FROM auth_sessions WHERE staff_id = $1`, [staffId]);
  }

  /** Every other session of the user ends when they change their password. */
  async endOthers(staffId: string, keepId: string): Promise<void> {
    await this.pool.query(`DELETE FROM auth_sessions WHERE staff_id = $1 AND id_hash <> $2`, [staffId, hashId(keepId)]);
  }

  private async sweepIfDue(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    await this.pool.query(`DELETE FROM auth_sessions WHERE expires_at <= now()`);
    await this.pool.query(`DELETE FROM auth_oidc_requests WHERE created_at < now() - interval '10 minutes'`);
  }
}
