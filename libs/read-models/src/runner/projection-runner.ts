import type { Pool } from 'pg';
import { comparePositions, formatPosition, START, type AllSubscription, type EventStore, type Position, type RecordedEvent } from '@app/event-store';
import type { Projection } from './projection';
import { batches } from './batches';

export interface RunnerOptions {
  /** Events per transaction. */
  readonly batchSize?: number;
  /** Longest a batch waits to fill once it has its first event (ms). */
  readonly maxBatchWaitMs?: number;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: 'running' | 'failed' | 'stopped';
  readonly position: Position;
  readonly error: { position: string; eventType: string; message: string } | null;
}

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Keeps projections up to date from the store's global stream. Each projection has its own
 * subscription and checkpoint; a batch and its checkpoint commit in one transaction, so a crash
 * at any point neither loses nor double-counts an event. A projection whose `apply` throws stops
 * with the failing event in its status; the others carry on.
 */
export class ProjectionRunner {
  private readonly statuses = new Map<string, ProjectionStatus>();
  private readonly subscriptions: AllSubscription[] = [];
  private readonly loops: Promise<void>[] = [];
  private waiters: { position: Position; resolve: () => void }[] = [];
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly projections: readonly Projection[],
    private readonly log: Logger,
    private readonly options: RunnerOptions = {},
  ) {}

  async start(): Promise<void> {
    for (const p of this.projections) {
      const { rows } = await this.pool.query<{ commit_pos: string; prepare_pos: string; state: string; error: ProjectionStatus['error'] }>(
        `INSERT INTO projection_checkpoints (name, version) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
         RETURNING commit_pos::text AS commit_pos, prepare_pos, state, error`,
        [p.name, p.version],
      );
      const row = rows[0]!;
      const position = { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) };
      this.statuses.set(p.name, { name: p.name, version: p.version, state: row.state === 'failed' ? 'failed' : 'running', position, error: row.error });
      if (row.state === 'failed') {
        this.log.error({ projection: p.name, error: row.error }, 'projection is stopped on a failed event; fix it and restart it');
        continue;
      }
      this.loops.push(this.run(p, position));
    }
  }

  /**
   * Starts a stopped (failed) projection again from its checkpoint, e.g. once an upcaster mends
   * the event it stopped on.
   */
  async restart(name: string): Promise<ProjectionStatus> {
    const p = this.projections.find((x) => x.name === name);
    const status = this.statuses.get(name);
    if (!p || !status) throw new Error(`no projection ${name}`);
    if (status.state === 'running') return status;
    await this.pool.query(`UPDATE projection_checkpoints SET state = 'running', error = NULL, updated_at = now() WHERE name = $1`, [name]);
    const running = { ...status, state: 'running' as const, error: null };
    this.statuses.set(name, running);
    this.loops.push(this.run(p, status.position));
    return running;
  }

  status(): ProjectionStatus[] {
    return [...this.statuses.values()];
  }

  /** Resolves once every running projection has reached `position`, or false after `timeoutMs`. */
  async waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    if (this.reached(position)) return true;
    return new Promise((resolve) => {
      const waiter = { position, resolve: () => resolve(true) };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.reached(position));
      }, timeoutMs).unref();
    });
  }

  /** Waits until the read models reflect everything in the store now. */
  async catchUp(timeoutMs = 10_000): Promise<boolean> {
    const head = await this.store.headPosition();
    return head ? this.waitFor(head, timeoutMs) : true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await Promise.allSettled(this.loops);
  }

  private reached(position: Position): boolean {
    return [...this.statuses.values()].every((s) => s.state !== 'running' || comparePositions(s.position, position) >= 0);
  }

  private async run(p: Projection, from: Position): Promise<void> {
    const subscription = this.store.subscribeToAll({ after: from.commit === 0n && from.prepare === 0n ? START : from, batchSize: this.options.batchSize ?? 500 });
    this.subscriptions.push(subscription);
    const types = new Set(p.eventTypes);
    try {
      for await (const batch of batches(subscription, this.options.batchSize ?? 500, this.options.maxBatchWaitMs ?? 20)) {
        const relevant = batch.filter((e) => types.has(e.type));
        const last = batch[batch.length - 1]!.position;
        const client = await this.pool.connect();
        try {
          await client.query('BEGIN');
          if (relevant.length) await p.apply(client, relevant);
          await client.query(
            `UPDATE projection_checkpoints SET commit_pos = $2::text::xid8, prepare_pos = $3, events_seen = events_seen + $4, updated_at = now() WHERE name = $1`,
            [p.name, last.commit.toString(), last.prepare.toString(), batch.length],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          await this.fail(p, batch, err);
          return;
        } finally {
          client.release();
        }
        this.statuses.set(p.name, { ...this.statuses.get(p.name)!, position: last });
        this.wake();
        if (this.stopped) return;
      }
    } catch (err) {
      if (!this.stopped) this.log.error({ projection: p.name, err: String(err) }, 'projection subscription failed');
    }
  }

  /** Replays the batch one event at a time to name the event that throws, then stops the projection. */
  private async fail(p: Projection, batch: readonly RecordedEvent[], err: unknown): Promise<void> {
    let culprit = batch[0]!;
    let message = String((err as Error)?.message ?? err);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const e of batch.filter((x) => p.eventTypes.includes(x.type))) {
        try {
          await p.apply(client, [e]);
        } catch (single) {
          culprit = e;
          message = String((single as Error)?.message ?? single);
          break;
        }
      }
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    const error = { position: formatPosition(culprit.position), eventType: culprit.type, message };
    await this.pool.query(`UPDATE projection_checkpoints SET state = 'failed', error = $2, updated_at = now() WHERE name = $1`, [p.name, JSON.stringify(error)]);
    this.statuses.set(p.name, { ...this.statuses.get(p.name)!, state: 'failed', error });
    this.log.error({ projection: p.name, ...error }, 'projection stopped on an event it cannot apply');
    this.wake();
  }

  private wake(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (this.reached(w.position) ? w.resolve() : still.push(w));
    this.waiters = still;
  }
}
