import type { Pool, PoolClient } from 'pg';
import { comparePositions, formatPosition, START, type AllSubscription, type EventStore, type Position, type RecordedEvent } from '@app/event-store';
import type { Projection } from './projection';
import { batches, batchLimitAfter, type BatchLimit } from './batches';
import { isCancelled, isTransient } from './transient';
import { bankTimeZone, illegalState } from '@app/domain';

export interface RunnerOptions {
  /** Events per transaction. */
  readonly batchSize?: number;
  /**
   * Events per transaction once a batch has filled up (a rebuild, a projector far behind): fewer,
   * larger transactions, each with its checkpoint; back to `batchSize` once a batch closes by the
   * wait. Defaults to `batchSize`.
   */
  readonly catchUpBatchSize?: number;
  /** Longest a batch waits to fill once it has its first event (ms). */
  readonly maxBatchWaitMs?: number;
  /**
   * Batches of one loop in flight at once (default 1: every member finishes a batch before any starts
   * the next). With more, a member done with a batch goes on to the next while a slower member
   * finishes it; each member still applies the batches in log order, one transaction at a time.
   * Measured on two cores (1M events, idle): no faster, and a peak RSS past 400 MB, hence the default.
   */
  readonly batchesInFlight?: number;
  /**
   * When the store ends or breaks a subscription: the first wait before subscribing again (doubling
   * up to `maxMs`), and how long a new one must last without failing to count as running (ms).
   */
  readonly resubscribe?: { readonly initialMs?: number; readonly maxMs?: number; readonly settleMs?: number };
  /**
   * Errors that say the database is away (a restart), not that an event cannot be applied: a batch
   * failing with one is not a poison event; the loop subscribes again from the checkpoint instead.
   */
  readonly isTransient?: (err: unknown) => boolean;
  /**
   * A batch that meets a transient error (serialization failure, deadlock, a connection or server
   * gone for a moment) is tried again after `initialMs`, doubling up to `maxMs`, at most `attempts`
   * times in all, then subscribed again from the checkpoint; only any other error stops the projection
   * (and `isTransient` errors — the database away — go straight to subscribing again). A batch the server
   * cancels (57014) on every attempt is applied one event at a time, each with as many attempts, so what
   * goes through commits; an event cancelled on all of its own is subscribed again from (a cancel can clear by
   * itself), its interruption naming it, and never stops the projection. After a cancel the projection's next
   * batches are cut to half the size cancelled, growing back by a quarter each time one that large commits
   * (`batchLimitAfter`; kept in memory for the run). Default attempts: `RETRY_ATTEMPTS`.
   */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number; readonly attempts?: number };
  /**
   * A live table whose rows the projector has changed (inserted, updated or deleted) at least
   * `rows` times since it last analysed it, and at least `fraction` of the rows it holds, is
   * analysed in the transaction of the batch that got it there: a launch enrolling 50k customers gives the
   * planner statistics that know them before the next read, instead of whenever autovacuum
   * (10% of the table) gets to it. Defaults: 10,000 rows, 2%. A build beside the live one
   * (rebuild) is analysed once, before it serves.
   */
  readonly analyzeAfter?: { readonly rows?: number; readonly fraction?: number };
}

/** Attempts at a batch that meets a transient error, by default (`RunnerOptions.retry.attempts`). */
const RETRY_ATTEMPTS = 8;
/** Rows changed in a live table before the projector analyses it (see `RunnerOptions.analyzeAfter`). */
export const ANALYZE_AFTER_ROWS = 10_000;
export const ANALYZE_AFTER_FRACTION = 0.2;
/** How long the projector's ANALYZE waits for its lock before it gives up (the batch goes on without it). */
const ANALYZE_LOCK_TIMEOUT = '200ms';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** `resubscribing`: the store's subscription broke; the runner is subscribing again from the checkpoint. */
  readonly state: 'running' | 'resubscribing' | 'failed' | 'stopped' | 'rebuilding';
  readonly position: Position;
  /** The schema the live tables are in. */
  readonly schema: string;
  readonly error: { position: string; eventType: string; message: string } | null;
  /** While resubscribing: why the subscription broke, attempts so far, since when. */
  readonly interruption?: Interruption | null;
}

export interface Interruption {
  readonly message: string;
  readonly attempts: number;
  readonly retryInMs: number;
  readonly since: string;
}

export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
}

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One that waits now and then (see `pause`): `wake` ends the wait it is in early. */
interface Waiting {
  wake?: () => void;
}

/**
 * Waits `ms`, or until `who.wake()` (a stop, a member leaving its loop), or not at all when `over()`
 * holds already: a stop that came before the wait began found nothing to wake and must not be held
 * for the whole wait (a backoff of up to 30 s, a retry of up to 5 s, keeping `stop()` and the
 * process waiting).
 */
function pause(who: Waiting, ms: number, over: () => boolean): Promise<void> {
  if (over()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => who.wake?.(), ms);
    who.wake = () => {
      clearTimeout(timer);
      who.wake = undefined;
      resolve();
    };
  });
}

/** What a loop writes for one projection: under which checkpoint, into which schema, from where. */
interface Member extends Waiting {
  readonly projection: Projection;
  readonly checkpoint: string;
  readonly schema: string;
  position: Position;
  /** Rows changed per table since the projector last analysed it (live builds only; from the start of this run). */
  changed?: Map<string, number>;
  /** The most events it tries in one transaction since the server cancelled a batch of it (`batchLimitAfter`); none: no limit. */
  limit?: BatchLimit;
}

/**
 * One reader of the log feeding one or more projections: the log is read and parsed once, and
 * each batch goes to every member in a transaction of its own (in parallel; see `RunnerOptions.batchesInFlight`).
 */
interface Loop extends Waiting {
  /** Replaced when the store's subscription breaks and the loop subscribes again. */
  subscription: AllSubscription;
  readonly members: Map<string, Member>;
  done: Promise<void>;
  /** The batches being applied now: a member taken out waits for them, so nothing writes after it left. */
  current: Promise<unknown>;
  /** Each member's last batch handed to it (by checkpoint): its next one is applied after it. */
  tails: Map<string, Promise<unknown>>;
  /** Set once the last member has left: the loop ends instead of subscribing again. */
  closed: boolean;
  /** Counts subscriptions made and broken: a settle timer from an older one must not touch the status. */
  generation: number;
}

/** A projection's event types as a set, made once per projection (each batch asks for every event of it). */
const eventTypeSets = new WeakMap<Projection, ReadonlySet<string>>();
function handled(p: Projection): ReadonlySet<string> {
  let types = eventTypeSets.get(p);
  if (!types) eventTypeSets.set(p, (types = new Set(p.eventTypes)));
  return types;
}

/** The zone a build of `p` cuts its bank days in (recorded beside it), or null when its rows hold no cut. */
const zoneOf = (p: Projection): string | null => (p.dependsOnTimeZone ? bankTimeZone() : null);

/** Where a build of a projection is tracked: the live one under its name, a rebuild beside it. */
const NEXT = (name: string) => `${name}#next`;

/**
 * Keeps projections up to date from the store's global stream. Each projection has its own
 * subscription and checkpoint, and its tables in a schema of its own; a batch and its checkpoint
 * commit in one transaction, so a crash at any point neither loses nor double-counts an event. A
 * projection whose `apply` throws stops with the failing event in its status; the others carry on.
 *
 * Blue/green: a new version (or a replay, or a projection that depends on the bank's time zone
 * starting in another one) builds into a fresh schema from the start of the log
 * while the old one keeps serving; once it has caught up, the pointer switches in one transaction
 * and the old schema is dropped.
 */
export class ProjectionRunner {
  private readonly statuses = new Map<string, ProjectionStatus>();
  private readonly rebuilding = new Set<string>();
  /** Subscriptions the runner closed: their loops cut no further batch from a page already read. */
  private readonly closedSubscriptions = new WeakSet<AllSubscription>();
  private readonly loops = new Map<string, Loop>();
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
    const live: Omit<Member, 'position'>[] = [];
    const from: Position[] = [];
    const changed: string[] = [];
    for (const p of this.projections) {
      const row = await this.checkpoint(p.name);
      if (row && p.dependsOnTimeZone && row.timeZone === null) {
        // Built before the zone was recorded: taken to be in the zone in force now.
        row.timeZone = zoneOf(p);
        await this.pool.query(`UPDATE projection_checkpoints SET time_zone = $2 WHERE name = $1 AND time_zone IS NULL`, [p.name, row.timeZone]);
      }
      if (!row) {
        const zone = zoneOf(p);
        const schema = await this.createSchema(p);
        await this.pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name, time_zone) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`, [p.name, p.version, schema, zone]);
        this.statuses.set(p.name, { name: p.name, version: p.version, state: 'running', position: START, schema, error: null });
        live.push({ projection: p, checkpoint: p.name, schema });
        from.push(START);
        continue;
      }
      const failed = row.state === 'failed';
      this.statuses.set(p.name, { name: p.name, version: row.version, state: failed ? 'failed' : 'running', position: row.position, schema: row.schema, error: failed ? row.error : null });
      if (row.version !== p.version) {
        // The code has a new version: build it beside the old tables, which keep serving (frozen) meanwhile.
        this.log.info({ projection: p.name, from: row.version, to: p.version }, 'projection version changed: rebuilding blue/green');
        changed.push(p.name);
      } else if (p.dependsOnTimeZone && row.timeZone !== null && row.timeZone !== zoneOf(p)) {
        // Its stored days and months were cut in another zone: build them again in this one, beside the old tables.
        this.log.info({ projection: p.name, from: row.timeZone, to: zoneOf(p) }, 'bank time zone changed: rebuilding blue/green');
        changed.push(p.name);
      } else if (row.state === 'failed') {
        this.log.error({ projection: p.name, error: row.error }, 'projection is stopped on a failed event; fix it and restart it');
      } else {
        live.push({ projection: p, checkpoint: p.name, schema: row.schema });
        from.push(row.position);
      }
    }
    if (live.length) this.startLoop(live.map((m, i) => ({ ...m, position: from[i]! })));
    // Every changed projection in one pass over the log.
    if (changed.length) void this.rebuildAll(changed).catch((err) => this.log.error({ projections: changed, err: String(err) }, 'rebuild failed'));
  }

  status(): ProjectionStatus[] {
    return [...this.statuses.values()];
  }

  /**
   * Starts a stopped (failed) projection again from its checkpoint, e.g. once an upcaster mends
   * the event it stopped on.
   */
  async restart(name: string): Promise<ProjectionStatus> {
    const p = this.projection(name);
    const status = this.statuses.get(name)!;
    if (status.state !== 'failed') return status;
    await this.pool.query(`UPDATE projection_checkpoints SET state = 'running', error = NULL, updated_at = now() WHERE name = $1`, [name]);
    const running = { ...status, state: 'running' as const, error: null };
    this.statuses.set(name, running);
    this.startLoop([{ projection: p, checkpoint: name, schema: status.schema, position: status.position }]);
    return running;
  }

  /**
   * Rebuilds a projection from the start of the log into a fresh schema while the current one
   * serves, then switches to it atomically and drops the old schema.
   */
  async rebuild(name: string, onProgress?: (p: RebuildProgress) => void): Promise<ProjectionStatus> {
    return (await this.rebuildAll([name], onProgress))[0]!;
  }

  /**
   * Rebuilds several projections blue/green in one pass over the log: one reader feeds every new
   * build, each with its own schema and checkpoint; once all have caught up, each switches over.
   */
  async rebuildAll(names: readonly string[], onProgress?: (p: RebuildProgress) => void): Promise<ProjectionStatus[]> {
    const ps = names.map((name) => this.projection(name));
    const busy = names.find((name) => this.rebuilding.has(name));
    if (busy) throw illegalState('REBUILD_IN_PROGRESS', `${busy} is being rebuilt already; wait for it to finish`, { name: busy });
    for (const name of names) this.rebuilding.add(name);
    try {
      return await this.rebuildNow(ps, onProgress);
    } finally {
      for (const name of names) this.rebuilding.delete(name);
    }
  }

  private async rebuildNow(ps: readonly Projection[], onProgress?: (p: RebuildProgress) => void): Promise<ProjectionStatus[]> {
    const members: Member[] = [];
    for (const p of ps) {
      const previous = await this.pool.query<{ schema_name: string }>(`DELETE FROM projection_checkpoints WHERE name = $1 RETURNING schema_name`, [NEXT(p.name)]);
      for (const r of previous.rows) await this.dropSchema(r.schema_name);
      const zone = zoneOf(p);
      const schema = await this.createSchema(p);
      await this.pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name, time_zone) VALUES ($1, $2, $3, $4)`, [NEXT(p.name), p.version, schema, zone]);
      members.push({ projection: p, checkpoint: NEXT(p.name), schema, position: START });
    }
    const total = await this.countEvents();
    this.startLoop(members);
    try {
      await this.follow(members, total, onProgress);
    } catch (err) {
      // One build failed: the others stop too (their schemas go at the next rebuild); the live tables keep serving.
      for (const m of members) await this.stopLoop(m.checkpoint);
      throw err;
    }
    const statuses: ProjectionStatus[] = [];
    for (const m of members) {
      // Planner statistics for the new tables before they serve (autovacuum would take a while).
      await this.analyzeSchema(m.schema);
      statuses.push(await this.switchOver(m.projection, m.schema));
    }
    return statuses;
  }

  /** Follows new builds until each has reached what the store holds now. */
  private async follow(members: readonly Member[], total: number, onProgress?: (p: RebuildProgress) => void): Promise<void> {
    for (;;) {
      const head = await this.store.headPosition();
      const building = members.map((m) => {
        const member = this.loops.get(m.checkpoint)?.members.get(m.checkpoint);
        if (!member) throw new Error(`rebuild of ${m.projection.name} stopped: ${JSON.stringify(this.statuses.get(m.checkpoint)?.error ?? 'stopped')}`);
        return member;
      });
      onProgress?.({ done: Math.min(...(await Promise.all(members.map((m) => this.seen(m.checkpoint))))), total });
      if (!head || building.every((member) => comparePositions(member.position, head) >= 0)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the live and the new build, moves the pointer to the new schema at the new build's position, drops the old one. */
  private async switchOver(p: Projection, schema: string): Promise<ProjectionStatus> {
    const name = p.name;
    await this.stopLoop(name);
    await this.stopLoop(NEXT(name));
    const next = (await this.checkpoint(NEXT(name)))!;
    const old = this.statuses.get(name)?.schema;
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `UPDATE projection_checkpoints SET version = $2, schema_name = $3, commit_pos = $4::text::xid8, prepare_pos = $5, events_seen = $6,
           time_zone = $7, state = 'running', error = NULL, updated_at = now() WHERE name = $1`,
        [name, p.version, schema, next.position.commit.toString(), next.position.prepare.toString(), next.eventsSeen, next.timeZone],
      );
      await client.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [NEXT(name)]);
    });
    if (old && old !== schema) await this.dropSchema(old);
    this.statuses.delete(NEXT(name));
    const status: ProjectionStatus = { name, version: p.version, state: 'running', position: next.position, schema, error: null };
    this.statuses.set(name, status);
    this.log.info({ projection: name, schema, position: formatPosition(next.position) }, 'rebuilt and switched');
    if (!this.stopped) this.startLoop([{ projection: p, checkpoint: name, schema, position: next.position }]);
    return status;
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
    await Promise.all([...new Set(this.loops.keys())].map((k) => this.stopLoop(k)));
  }

  private projection(name: string): Projection {
    const p = this.projections.find((x) => x.name === name);
    if (!p) throw new Error(`no projection ${name}`);
    return p;
  }

  private reached(position: Position): boolean {
    return this.projections.every((p) => {
      const s = this.statuses.get(p.name);
      // A failed projection will not get there; a resubscribing one will.
      return !s || (s.state !== 'running' && s.state !== 'resubscribing') || comparePositions(s.position, position) >= 0;
    });
  }

  /** Events per read of the log: a catch-up batch's worth (a page holds only what is there, so a projector keeping up reads small ones). */
  private pageSize(): number {
    return Math.max(this.options.batchSize ?? 500, this.options.catchUpBatchSize ?? 0);
  }

  /** One reader from the earliest member's position; each member skips what it has already applied. */
  private startLoop(members: Member[]): void {
    const from = members.map((m) => m.position).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
    const subscription = this.store.subscribeToAll({ after: from, batchSize: this.pageSize() });
    const loop: Loop = { subscription, members: new Map(members.map((m) => [m.checkpoint, m])), done: Promise.resolve(), current: Promise.resolve(), tails: new Map(), closed: false, generation: 1 };
    for (const m of members) this.loops.set(m.checkpoint, loop);
    loop.done = this.run(loop);
  }

  /** Takes one projection out of its loop; the reader stops when no member is left. */
  private async stopLoop(checkpoint: string): Promise<void> {
    const loop = this.loops.get(checkpoint);
    if (!loop) return;
    this.loops.delete(checkpoint);
    const member = loop.members.get(checkpoint);
    loop.members.delete(checkpoint);
    // A batch of its waiting to be tried again gives up now (the checkpoint holds; the next owner goes on from it).
    member?.wake?.();
    await loop.current.catch(() => undefined);
    if (loop.members.size > 0) return;
    loop.closed = true;
    loop.wake?.();
    await this.closeSubscription(loop.subscription);
    await loop.done.catch(() => undefined);
  }

  /**
   * Feeds batches to the loop's members. When the store ends or breaks the subscription (an
   * EventStoreDB restart, a network drop, a leader change), the members say `resubscribing` and
   * the loop subscribes again from the earliest member's checkpoint after a wait that doubles
   * while the store stays away; a new subscription that delivers, or lasts `settleMs`, is running.
   */
  private async run(loop: Loop): Promise<void> {
    const { initialMs = 500, maxMs = 30_000 } = this.options.resubscribe ?? {};
    let attempts = 0;
    /** Each batch in flight, settled once every member has applied it (or left). */
    const inFlight: Promise<void>[] = [];
    while (!loop.closed && loop.members.size > 0) {
      let cause: unknown;
      try {
        const subscription = loop.subscription;
        const ended = () => this.closedSubscriptions.has(subscription);
        for await (const batch of batches(subscription.pages(), this.options.batchSize ?? 500, this.options.maxBatchWaitMs ?? 20, this.options.catchUpBatchSize, ended)) {
          if (attempts > 0) {
            attempts = 0;
            await this.resumed(loop);
          }
          await this.feed(loop, batch, inFlight);
          if (loop.members.size === 0) {
            await Promise.all(inFlight);
            await this.closeSubscription(loop.subscription);
            return;
          }
        }
        await Promise.all(inFlight);
        cause = new Error('the store ended the subscription');
      } catch (err) {
        cause = err;
      }
      // Every batch still in flight ends (commits or fails) before the loop reads the members' positions again.
      await Promise.allSettled(inFlight);
      inFlight.length = 0;
      loop.tails = new Map();
      if (loop.closed || loop.members.size === 0) return;
      loop.generation++; // the broken subscription's settle timer must not report it running
      attempts++;
      const retryInMs = Math.min(initialMs * 2 ** (attempts - 1), maxMs);
      await this.interrupted(loop, cause, attempts, retryInMs);
      await this.closeSubscription(loop.subscription).catch(() => undefined);
      await pause(loop, retryInMs, () => loop.closed || loop.members.size === 0);
      if (loop.closed || loop.members.size === 0) return;
      const from = [...loop.members.values()].map((m) => m.position).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
      loop.subscription = this.store.subscribeToAll({ after: from, batchSize: this.pageSize() });
      const generation = ++loop.generation;
      // A quiet store sends nothing: a subscription that has not failed for a while is running.
      setTimeout(() => {
        if (loop.generation !== generation || loop.closed || attempts === 0) return;
        attempts = 0;
        void this.resumed(loop);
      }, this.options.resubscribe?.settleMs ?? Math.max(1_000, retryInMs)).unref();
    }
  }

  private closeSubscription(subscription: AllSubscription): Promise<void> {
    this.closedSubscriptions.add(subscription);
    return subscription.close();
  }

  /**
   * Hands `batch` to every member, after the batches it has not finished yet (each member's own
   * chain keeps its batches in log order, one transaction at a time), and returns once fewer than
   * `batchesInFlight` batches are unfinished (a batch is finished once every member's transaction for it has ended). A member taken out meanwhile applies nothing more. A
   * batch that fails (the database away, retries spent) closes the subscription and rejects here or
   * when the loop drains what is in flight; the members' later batches in the chain are not applied.
   */
  private async feed(loop: Loop, batch: readonly RecordedEvent[], inFlight: Promise<void>[]): Promise<void> {
    const applied = [...loop.members.values()].map((m) => {
      const next = (loop.tails.get(m.checkpoint) ?? Promise.resolve()).then(() => (loop.members.get(m.checkpoint) === m ? this.applyBatch(loop, m, batch) : undefined));
      loop.tails.set(m.checkpoint, next);
      return next;
    });
    // Ended only once every member's transaction for it has: a member failing at once must not let the
    // loop drain, subscribe again or stop while another member still writes the batch (it would be given
    // the batch again beside its open transaction, or commit after stop() returned).
    const settled = Promise.allSettled(applied).then((outcomes) => {
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
      this.wake();
    });
    // Awaited below or by a later call. A failure ends the subscription at once, so the loop sees it
    // and subscribes again even when no further batch comes to await it behind.
    const subscription = loop.subscription;
    settled.catch(() => this.closeSubscription(subscription).catch(() => undefined));
    inFlight.push(settled);
    loop.current = Promise.allSettled([...inFlight]);
    while (inFlight.length >= Math.max(1, this.options.batchesInFlight ?? 1)) await inFlight.shift();
  }

  /** The members say why their subscription broke, here and in their stored state (the API reads it). */
  private async interrupted(loop: Loop, cause: unknown, attempts: number, retryInMs: number): Promise<void> {
    const message = String((cause as Error)?.message ?? cause);
    const names = [...loop.members.keys()];
    this.log.error({ projections: names, err: message, attempts, retryInMs }, 'projection subscription broke; subscribing again from the checkpoint');
    for (const name of names) {
      const status = this.statuses.get(name);
      const since = status?.interruption?.since ?? new Date().toISOString();
      const interruption: Interruption = { message, attempts, retryInMs, since };
      if (status && (status.state === 'running' || status.state === 'resubscribing')) this.statuses.set(name, { ...status, state: 'resubscribing', interruption });
    }
    await this.pool
      .query(`UPDATE projection_checkpoints SET state = 'resubscribing', error = $2, updated_at = now() WHERE name = ANY($1::text[]) AND state IN ('running', 'resubscribing')`, [
        names,
        JSON.stringify({ message, attempts, retryInMs }),
      ])
      .catch((err) => this.log.error({ err: String(err) }, 'could not record the interruption'));
  }

  /** The new subscription works: the members are running again. */
  private async resumed(loop: Loop): Promise<void> {
    const names = [...loop.members.keys()];
    for (const name of names) {
      const status = this.statuses.get(name);
      if (status?.state === 'resubscribing') this.statuses.set(name, { ...status, state: 'running', interruption: null });
    }
    await this.pool
      .query(`UPDATE projection_checkpoints SET state = 'running', error = NULL, updated_at = now() WHERE name = ANY($1::text[]) AND state = 'resubscribing'`, [names])
      .catch((err) => this.log.error({ err: String(err) }, 'could not record the resumption'));
    this.log.info({ projections: names }, 'projection subscription running again');
  }

  /**
   * One member's share of a batch, with its checkpoint, in one transaction; tried again after a
   * transient error. A catch-up batch (larger than `batchSize`) that fails otherwise is applied
   * again in parts of `batchSize`, each committed with its checkpoint: a failure that came only from
   * the batch's size (a statement too large for the server, memory) does not stop the projection,
   * and one that does stops it on the event it cannot apply, past every part before it. A batch the
   * server cancelled on every attempt is applied one event at a time (`oneByOne`). After a cancel the
   * member remembers a smaller size (`Member.limit`, `batchLimitAfter`): its next batches are applied in
   * parts of at most that size, which grows back as parts that large commit.
   */
  private async applyBatch(loop: Loop, m: Member, batch: readonly RecordedEvent[]): Promise<void> {
    // The batch is in log order: when its first event is past the member's position, all of it is (the batch itself, not a copy per member).
    const fresh = batch.length && comparePositions(batch[0]!.position, m.position) > 0 ? batch : batch.filter((e) => comparePositions(e.position, m.position) > 0);
    if (fresh.length === 0) return;
    const size = this.options.batchSize ?? 500;
    const most = Math.max(size, this.options.catchUpBatchSize ?? 0);
    /** Events per part of this batch besides the member's limit: the normal size once a catch-up part failed. */
    let cut = Infinity;
    for (let i = 0; i < fresh.length; ) {
      const part = fresh.slice(i, i + Math.min(cut, m.limit?.size ?? Infinity));
      const r = await this.tryBatch(loop, m, part);
      if (r === 'left') return;
      if (r === 'applied') {
        m.limit = batchLimitAfter(m.limit, { committed: part.length }, most, Date.now());
        i += part.length;
        continue;
      }
      if (part.length > size) {
        this.log.error({ projection: m.checkpoint, err: String((r.error as Error)?.message ?? r.error), events: part.length, size }, 'a catch-up batch failed; applying it again in batches of the normal size');
        if (isCancelled(r.error)) m.limit = batchLimitAfter(m.limit, { cancelled: part.length }, most, Date.now());
        cut = size;
        continue;
      }
      if (!(await this.oneByOne(loop, m, part, r.error))) return;
      i += part.length;
    }
  }

  /**
   * A batch of at most the normal size that failed. An error no retry mends stops the projection on the
   * event that causes it. A statement the server cancelled on every attempt (a statement_timeout too small
   * for the batch, a lock wait under a timeout, a DBA's cancels) is applied one event at a time, each with its
   * retries, so the events that go through are committed, and the member's next batches are cut smaller
   * (`batchLimitAfter`). An event cancelled on every one of its own attempts
   * is still never blamed on the event: a cancel can clear by itself (the lock released, the timeout raised),
   * so the loop subscribes again from the checkpoint (just before it) with backoff, as for any transient error,
   * its interruption naming the event. True when every event was applied.
   */
  private async oneByOne(loop: Loop, m: Member, part: readonly RecordedEvent[], error: unknown): Promise<boolean> {
    if (!isCancelled(error)) {
      await this.stopOn(loop, m, part, error);
      return false;
    }
    m.limit = batchLimitAfter(m.limit, { cancelled: part.length }, Math.max(this.options.batchSize ?? 500, this.options.catchUpBatchSize ?? 0), Date.now());
    const attempts = this.options.retry?.attempts ?? RETRY_ATTEMPTS;
    if (part.length > 1) {
      this.log.error({ projection: m.checkpoint, err: String((error as Error)?.message ?? error), events: part.length, attempts }, 'the server cancelled a batch on every attempt; applying it one event at a time');
      for (const e of part) {
        const r = await this.tryBatch(loop, m, [e]);
        if (r === 'applied') continue;
        if (r !== 'left') await this.oneByOne(loop, m, [e], r.error);
        return false;
      }
      return true;
    }
    const e = part[0]!;
    const message = `the server cancelled applying the ${e.type} event at ${formatPosition(e.position)} on every one of ${attempts} attempts (SQLSTATE 57014: a statement_timeout too small for it, a lock wait under a timeout, or a cancel each time): ${String((error as Error)?.message ?? error)}`;
    // Thrown to the loop, which subscribes again from the checkpoint; the projection keeps its state (resubscribing, not failed).
    throw Object.assign(new Error(message), { code: (error as { code?: string }).code, cause: error });
  }

  /**
   * Commits `fresh` (events after the member's position) with its checkpoint, retrying transient
   * errors; `left` when the member left the loop or the runner stops (nothing is wrong with the
   * events), the error when it is one no retry mends (or a cancel on every attempt: see `oneByOne`). Other transient errors past the last attempt throw.
   */
  private async tryBatch(loop: Loop, m: Member, fresh: readonly RecordedEvent[]): Promise<'applied' | 'left' | { error: unknown }> {
    const types = handled(m.projection);
    const relevant = fresh.filter((e) => types.has(e.type));
    const last = fresh[fresh.length - 1]!.position;
    const { initialMs = 100, maxMs = 5_000, attempts = RETRY_ATTEMPTS } = this.options.retry ?? {};
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commitBatch(m, relevant, fresh.length, last);
        break;
      } catch (err) {
        // Stopping (a shutdown, a failover), or this projection left the loop (a rebuild, a switch):
        // nothing is wrong with the events; the checkpoint holds and the next owner goes on from it.
        if (this.stopped || !loop.members.has(m.checkpoint)) return 'left';
        // The database is away (a restart): subscribe again from the checkpoint, no retries here.
        if (this.options.isTransient?.(err)) throw err;
        // A catch-up batch the server cancelled (a statement_timeout it outgrew would cancel it on every
        // retry): applied again in batches of the normal size (applyBatch), where a cancel is retried.
        if (isCancelled(err) && fresh.length > (this.options.batchSize ?? 500)) return { error: err };
        if (isTransient(err)) {
          if (attempt >= attempts) {
            // Cancelled on every attempt: applied one event at a time (oneByOne), so the events that go through commit.
            if (isCancelled(err)) return { error: err };
            // Never a poison event: after the last attempt, subscribe again from the checkpoint.
            throw err;
          }
          const retryInMs = Math.min(initialMs * 2 ** (attempt - 1), maxMs);
          this.log.error({ projection: m.checkpoint, err: String((err as Error)?.message ?? err), attempt, retryInMs }, 'transient error applying a batch; trying it again');
          const left = () => this.stopped || !loop.members.has(m.checkpoint);
          await pause(m, retryInMs, left);
          if (left()) return 'left';
          continue;
        }
        return { error: err };
      }
    }
    // Only forward, as the stored checkpoint.
    if (comparePositions(last, m.position) > 0) {
      m.position = last;
      const status = this.statuses.get(m.checkpoint);
      if (status) this.statuses.set(m.checkpoint, { ...status, position: last });
    }
    return 'applied';
  }

  /** Takes the member out of its loop and stops its projection on the event of `fresh` it cannot apply (`reason`: why, before the error). */
  private async stopOn(loop: Loop, m: Member, fresh: readonly RecordedEvent[], err: unknown, reason?: string): Promise<void> {
    loop.members.delete(m.checkpoint);
    this.loops.delete(m.checkpoint);
    await this.fail(m.projection, m.checkpoint, m.schema, fresh, err, reason);
  }

  private async commitBatch(m: Member, relevant: readonly RecordedEvent[], count: number, last: Position): Promise<void> {
    // A build beside the live one is analysed once, before it serves (rebuildNow): not batch by batch.
    const live = m.checkpoint === m.projection.name;
    const tally = await inTransaction(this.pool, async (client) => {
      await useSchema(client, m.schema);
      if (relevant.length) await m.projection.apply(client, relevant);
      // Only forward: a writer behind another (which skipped what that one applied) must not move it back.
      await client.query(
        `UPDATE projection_checkpoints SET commit_pos = $2::text::xid8, prepare_pos = $3, events_seen = events_seen + $4, updated_at = now()
         WHERE name = $1 AND (commit_pos, prepare_pos) < ($2::text::xid8, $3::bigint)`,
        [m.checkpoint, last.commit.toString(), last.prepare.toString(), count],
      );
      return live && relevant.length ? this.analyzeWhatChangedALot(client, m) : undefined;
    });
    // Only once the batch committed: a batch tried again must not count twice.
    if (tally) m.changed = tally;
  }

  /**
   * Adds this transaction's row counts per table to the member's tally and analyses, in the same
   * transaction, each table whose tally passed the threshold: the new rows and the statistics that
   * know them become visible together (ANALYZE counts the transaction's own rows), so no read plans
   * on the batch's rows with statistics from before it. Returns the new tally. An ANALYZE that fails
   * is rolled back alone (statistics are an optimisation, never a reason to fail the batch).
   */
  private async analyzeWhatChangedALot(client: PoolClient, m: Member): Promise<Map<string, number>> {
    const { rows: threshold = ANALYZE_AFTER_ROWS, fraction = ANALYZE_AFTER_FRACTION } = this.options.analyzeAfter ?? {};
    // This transaction's own counts (not yet in pg_stat_user_tables), with each table's size as the planner knows it.
    const { rows } = await client.query<{ relname: string; n: string; reltuples: number }>(
      `SELECT x.relname, x.n_tup_ins + x.n_tup_upd + x.n_tup_del AS n, greatest(c.reltuples, 0)::float8 AS reltuples
       FROM pg_stat_xact_user_tables x JOIN pg_class c ON c.oid = x.relid
       WHERE x.schemaname = $1 AND x.n_tup_ins + x.n_tup_upd + x.n_tup_del > 0`,
      [m.schema],
    );
    const tally = new Map(m.changed ?? []);
    for (const w of rows) {
      const changed = (tally.get(w.relname) ?? 0) + Number(w.n);
      if (changed < threshold || changed < fraction * w.reltuples) {
        tally.set(w.relname, changed);
        continue;
      }
      tally.delete(w.relname);
      const started = Date.now();
      // Never wait long for ANALYZE's lock (behind an anti-wraparound vacuum or CREATE INDEX
      // CONCURRENTLY): the batch holds its rows and checkpoint meanwhile. The savepoint's rollback
      // undoes the shorter lock_timeout; after a success it is set back for the rest of the batch.
      const { rows: setting } = await client.query<{ t: string }>(`SELECT current_setting('lock_timeout') AS t`);
      await client.query(`SAVEPOINT statistics; SELECT set_config('lock_timeout', '${ANALYZE_LOCK_TIMEOUT}', true)`);
      try {
        await client.query(`ANALYZE "${m.schema}"."${w.relname.replace(/"/g, '""')}"`);
        await client.query(`SELECT set_config('lock_timeout', $1, true)`, [setting[0]!.t]);
        await client.query('RELEASE SAVEPOINT statistics');
        this.log.info({ projection: m.checkpoint, table: w.relname, rowsChanged: changed, ms: Date.now() - started }, 'analysed a table a batch changed a lot');
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT statistics');
        tally.set(w.relname, changed); // tried again after the next batch
        // Its lock was taken (55P03, a vacuum or an index build): expected now and then, tried after the next batch.
        const busy = (err as { code?: string }).code === '55P03';
        (busy ? this.log.info : this.log.error).call(this.log, { projection: m.checkpoint, table: w.relname, err: String((err as Error)?.message ?? err) }, busy ? 'table busy: analysed after a later batch' : 'could not analyse a table after a large batch');
      }
    }
    return tally;
  }

  /** Replays the batch one event at a time to name the event that throws, then stops the projection. */
  private async fail(p: Projection, checkpoint: string, schema: string, batch: readonly RecordedEvent[], err: unknown, reason?: string): Promise<void> {
    let culprit = batch[0]!;
    let message = String((err as Error)?.message ?? err);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await useSchema(client, schema);
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
    const error = { position: formatPosition(culprit.position), eventType: culprit.type, message: reason ? `${reason}: ${message}` : message };
    await this.pool.query(`UPDATE projection_checkpoints SET state = 'failed', error = $2, updated_at = now() WHERE name = $1`, [checkpoint, JSON.stringify(error)]);
    const status = this.statuses.get(checkpoint);
    if (status) this.statuses.set(checkpoint, { ...status, state: 'failed', error });
    this.log.error({ projection: checkpoint, ...error }, 'projection stopped on an event it cannot apply');
    this.wake();
  }

  private wake(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (this.reached(w.position) ? w.resolve() : still.push(w));
    this.waiters = still;
  }

  private async createSchema(p: Projection): Promise<string> {
    const schema = `rm_${p.name.replace(/[^a-z0-9]/g, '_')}_v${p.version}_${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    await createSchemas(this.pool, [{ schema, projection: p }]);
    return schema;
  }

  private analyzeSchema(schema: string): Promise<void> {
    return analyzeSchema(this.pool, schema);
  }

  private async dropSchema(schema: string): Promise<void> {
    if (/^rm_[a-z0-9_]+$/.test(schema)) await this.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }

  private async checkpoint(name: string) {
    const { rows } = await this.pool.query<{ version: number; commit_pos: string; prepare_pos: string; state: string; error: ProjectionStatus['error']; schema_name: string; events_seen: string; time_zone: string | null }>(
      `SELECT version, commit_pos::text AS commit_pos, prepare_pos, state, error, schema_name, events_seen, time_zone FROM projection_checkpoints WHERE name = $1`,
      [name],
    );
    const r = rows[0];
    return r
      ? {
          version: r.version,
          position: { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos) },
          state: r.state,
          error: r.error,
          schema: r.schema_name,
          eventsSeen: Number(r.events_seen),
          timeZone: r.time_zone,
        }
      : undefined;
  }

  private async seen(name: string): Promise<number> {
    return (await this.checkpoint(name))?.eventsSeen ?? 0;
  }

  private async countEvents(): Promise<number> {
    if (this.store.kind !== 'postgres') return 0;
    return Number((await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM es_events`)).rows[0]!.n);
  }
}

/** Runs `fn` in one transaction: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (err) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    tx.release();
  }
}

/** Creates each schema with its projection's tables, all in one transaction. */
export function createSchemas(pool: Pool, builds: readonly { schema: string; projection: Projection }[]): Promise<void> {
  return inTransaction(pool, async (tx) => {
    for (const { schema, projection } of builds) {
      await tx.query(`CREATE SCHEMA "${schema}"`);
      await useSchema(tx, schema);
      for (const ddl of projection.tables) await tx.query(ddl);
    }
  });
}

/** Planner statistics for freshly filled tables (autovacuum would take a while). */
export async function analyzeSchema(pool: Pool, schema: string): Promise<void> {
  const { rows } = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
  for (const r of rows) await pool.query(`ANALYZE "${schema}"."${r.table_name}"`);
}

/** Points unqualified table names of this transaction at the projection's schema. */
export async function useSchema(client: PoolClient, schema: string): Promise<void> {
  await client.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}", public`]);
}
