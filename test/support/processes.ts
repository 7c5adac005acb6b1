import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';

/**
 * The built apps as real processes (`npm run build` first; npm test does it), for the fault and
 * load tests: their JSON log lines are kept, and a test can wait for one.
 */
const root = join(__dirname, '..', '..');
export const MAIN = {
  api: join(root, 'dist/apps/api/src/main.js'),
  projector: join(root, 'dist/apps/projector/src/main.js'),
  ingest: join(root, 'dist/apps/ingest/src/main.js'),
} as const;

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Log lines so far, parsed (non-JSON lines as `{ raw }`). */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first log line (old or new) matching, or rejects after `ms`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startApp(app: keyof typeof MAIN, env: Record<string, string>, name: string = app): AppProcess {
  if (!existsSync(MAIN[app])) throw new Error(`${MAIN[app]} is missing: run \`npm run build\` (npm test does it first)`);
  const child = spawn(process.execPath, [MAIN[app]], {
    env: { ...process.env, EVENTSTORE_URL: '', KAFKA_BROKERS: '', SEED_DEMO: 'false', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const watchers = new Set<() => void>();
  let buffer = '';
  const take = (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
      for (const w of watchers) w();
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    lines,
    exited,
    waitForLog(match, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found) {
            watchers.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`${name}: no such log line within ${ms} ms; last lines: ${JSON.stringify(lines.slice(-5))}`));
        }, ms);
        watchers.add(check);
        check();
        void exited.then((code) => {
          if (!watchers.has(check)) return;
          watchers.delete(check);
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code}) before such a log line; last lines: ${JSON.stringify(lines.slice(-5))}`));
        });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

export async function waitForHttp(url: string, ms: number, status = 200): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    try {
      if ((await fetch(url)).status === status) return;
    } catch {
      // not listening yet
    }
  }
  throw new Error(`no ${status} from ${url} within ${ms} ms`);
}

/**
 * Every read-model table of every live projection, as sorted JSON rows, keyed `projection/table`:
 * two databases' read models agree exactly or not at all (schema names differ per build). A counter
 * row left at zero means nothing and is left out: which keys a count passed through depends on where
 * batches were cut (a sale reversed in the batch that recorded it is never counted at all).
 */
const zeroCountersLeftOut = (t: string) =>
  /_counts$|^ce_tagged_customers$|^ce_campaign_totals$/.test(t)
    ? `WHERE (SELECT bool_or(v::text NOT IN ('0', '"0"')) FROM jsonb_each(to_jsonb(x) - ARRAY['campaign_id', 'customer_id', 'grp', 'unit_id', 'tier', 'day', 'as_of_day', 'channel']) AS e(k, v))`
    : '';
export async function readModelSnapshot(pool: Pool): Promise<Record<string, string[]>> {
  const { rows: schemas } = await pool.query<{ name: string; schema_name: string }>(`SELECT name, schema_name FROM projection_checkpoints WHERE name NOT LIKE '%#%' ORDER BY name`);
  const out: Record<string, string[]> = {};
  for (const s of schemas) {
    const { rows: tables } = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [s.schema_name]);
    for (const t of tables) {
      const { rows } = await pool.query<{ r: string }>(`SELECT row_to_json(x)::text AS r FROM "${s.schema_name}"."${t.table_name}" x ${zeroCountersLeftOut(t.table_name)} ORDER BY 1`);
      out[`${s.name}/${t.table_name}`] = rows.map((r) => r.r);
    }
  }
  return out;
}

/** A small HTTP client for processes: JSON in and out, a bearer token per user from the shared JWT_SECRET. */
export function httpClient(baseUrl: () => string, tokenFor: (user: string) => string) {
  return async (method: string, path: string, user: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(user ? { authorization: `Bearer ${tokenFor(user)}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  };
}
