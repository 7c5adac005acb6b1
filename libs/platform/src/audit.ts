import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who did what, when, and how it ended: every command (refusals and 401/403 included) and every read of personal data. */
export class AuditLog1764000009000 implements MigrationInterface {
  readonly name = 'AuditLog1764000009000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at             timestamptz NOT NULL DEFAULT now(),
        actor          text,
        org_unit       text,
        method         text NOT NULL,
        path           text NOT NULL,
        status         integer NOT NULL,
        outcome        text NOT NULL,
        code           text,
        correlation_id text,
        kind           text NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
  }
}

export interface AuditEntry {
  readonly actor: string | null;
  readonly orgUnit: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string | null;
  readonly correlationId: string | null;
  /** `command` for writes, `personal-data-read` for reads that returned personal data, `denied-customer-read` for refused reads of a customer. */
  readonly kind: 'command' | 'personal-data-read' | 'denied-customer-read';
}

export class AuditLog {
  constructor(private readonly pool: Pool) {}

  async record(e: AuditEntry): Promise<void> {
    const outcome = e.status < 400 ? 'ok' : e.status === 401 || e.status === 403 ? 'denied' : e.status < 500 ? 'refused' : 'failed';
    await this.pool.query(
      `INSERT INTO audit_log (actor, org_unit, method, path, status, outcome, code, correlation_id, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [e.actor, e.orgUnit, e.method, e.path, e.status, outcome, e.code, e.correlationId, e.kind],
    );
  }

  async list(filter: { actor?: string; outcome?: string; limit: number }) {
    const { rows } = await this.pool.query(
      `SELECT id, at, actor, org_unit, method, path, status, outcome, code, correlation_id, kind FROM audit_log
       WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR outcome = $2) ORDER BY id DESC LIMIT $3`,
      [filter.actor ?? null, filter.outcome ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: (r.at as Date).toISOString(),
      actor: r.actor,
      orgUnit: r.org_unit,
      method: r.method,
      path: r.path,
      status: r.status,
      outcome: r.outcome,
      code: r.code,
      correlationId: r.correlation_id,
      kind: r.kind,
    }));
  }
}
