import { formatPosition } from '@app/event-store';
import { freshnessOfMany, readCheckpoints } from '@app/read-models';
import type { Runtime } from './runtime';

export interface ProjectionReadiness {
  readonly name: string;
  readonly state: string;
  readonly position: string;
  readonly lag: { readonly events: number | null; readonly seconds: number };
  /** A new version is being built beside it (blue/green): it serves its last figures meanwhile, by design. */
  readonly rebuilding?: true;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not, when not: `STORE_UNREACHABLE`, `DATABASE_UNREACHABLE` or `READ_MODELS_STALE`. */
  readonly code?: 'STORE_UNREACHABLE' | 'DATABASE_UNREACHABLE' | 'READ_MODELS_STALE';
  readonly message?: string;
  readonly store: { readonly kind: string; readonly position: string | null; readonly globalPosition: string } | { readonly kind: string; readonly error: string } | { readonly kind: string; readonly ok: false };
  /** The error's text only where the report is not public (see `publicReadiness`). */
  readonly database: { readonly ok: true } | { readonly ok: false; readonly error?: string };
  readonly projections: readonly ProjectionReadiness[];
  readonly maxLagSeconds?: number;
}

/** How long a probe waits for each check: a server that does not answer is as good as down. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * What `/health/ready` says: the event store and the read-model database each answer (within a
 * couple of seconds), and, with `maxLagSeconds` (READY_MAX_LAG_SECONDS), no live projection has
 * left an event unapplied for longer than that: a replica whose reads would be too stale is taken
 * out of the load balancer rather than serving them.
 */
export async function checkReadiness(runtime: Runtime, options: { maxLagSeconds?: number; projections?: boolean } = {}): Promise<Readiness> {
  const { store, db } = runtime;
  const [head, database] = await Promise.all([
    within(store.headPosition()).then(
      (h) => ({ ok: true as const, h }),
      (err: unknown) => ({ ok: false as const, error: String((err as Error)?.message ?? err) }),
    ),
    within(db.pool.query('SELECT 1')).then(
      () => ({ ok: true as const }),
      (err: unknown) => ({ ok: false as const, error: String((err as Error)?.message ?? err) }),
    ),
  ]);
  const storeReport = head.ok
    ? { kind: store.kind, position: head.h ? formatPosition(head.h) : null, globalPosition: head.h ? head.h.prepare.toString() : '0' }
    : { kind: store.kind, error: head.error };
  let projections: ProjectionReadiness[] = [];
  if (head.ok && database.ok && options.projections !== false) {
    try {
      projections = await within(
        (async () => {
          const out: ProjectionReadiness[] = [];
          const checkpoints = await readCheckpoints(db.pool);
          const next = new Set(checkpoints.filter((c) => c.name.endsWith('#next')).map((c) => c.name.slice(0, -'#next'.length)));
          const live = checkpoints.filter((c) => !c.name.includes('#'));
          const fresh = await freshnessOfMany(db.pool, store, live.map((c) => ({ projection: c.name, position: c.position })));
          live.forEach((c, i) => {
            const f = fresh[i]!;
            out.push({ name: c.name, state: c.state, position: f.position, lag: { events: f.lag.events, seconds: Math.round(f.lag.seconds * 1000) / 1000 }, ...(next.has(c.name) ? { rebuilding: true as const } : {}) });
          });
          return out;
        })(),
      );
    } catch (err) {
      return { ready: false, code: 'DATABASE_UNREACHABLE', message: `read-model database unreachable: ${(err as Error).message}`, store: storeReport, database: { ok: false, error: (err as Error).message }, projections };
    }
  }
  const base = { store: storeReport, database, projections, ...(options.maxLagSeconds !== undefined ? { maxLagSeconds: options.maxLagSeconds } : {}) };
  if (!head.ok) return { ready: false, code: 'STORE_UNREACHABLE', message: `event store (${store.kind}) unreachable: ${head.error}`, ...base };
  if (!database.ok) return { ready: false, code: 'DATABASE_UNREACHABLE', message: `read-model database unreachable: ${database.error}`, ...base };
  const max = options.maxLagSeconds;
  // A projection being rebuilt blue/green serves its old figures on purpose while the new build catches up.
  const stale = max === undefined ? [] : projections.filter((p) => p.lag.seconds > max && !p.rebuilding);
  if (max !== undefined && projections.length === 0 && head.h && options.projections !== false) {
    return { ready: false, code: 'READ_MODELS_STALE', message: `no projection has run on this database yet, and the store has events (READY_MAX_LAG_SECONDS=${max})`, ...base };
  }
  if (stale.length) {
    return { ready: false, code: 'READ_MODELS_STALE', message: `reads would be too stale: ${stale.map((p) => `${p.name} ${p.lag.seconds}s behind`).join(', ')} (READY_MAX_LAG_SECONDS=${max})`, ...base };
  }
  return { ready: true, ...base };
}

/** What each code says on a public port: the code's meaning, never the driver's text (hosts, users, database names). */
const PUBLIC_MESSAGES: Record<NonNullable<Readiness['code']>, string> = {
  STORE_UNREACHABLE: 'the event store does not answer',
  DATABASE_UNREACHABLE: 'the read-model database does not answer',
  READ_MODELS_STALE: 'reads would be too stale: a projection is behind',
};

/**
 * The report for the public API port (`/health/ready` there needs no token): the codes, the store
 * kind and the projections' lag, without the errors' own text. The full report, errors included,
 * stays on the METRICS_PORT server, which is not exposed with the API.
 */
export function publicReadiness(r: Readiness): Readiness {
  return {
    ...r,
    ...(r.code ? { message: PUBLIC_MESSAGES[r.code] } : {}),
    store: 'error' in r.store ? { kind: r.store.kind, ok: false } : r.store,
    database: r.database.ok ? r.database : { ok: false },
  };
}

function within<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
