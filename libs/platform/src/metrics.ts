import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DomainError } from '@app/domain';
import { WrongExpectedVersion, eventsWrittenBefore, type AppendResult, type EventStore } from '@app/event-store';
import { freshnessOfMany, readCheckpoints } from '@app/read-models';
import { inSpan } from './tracing';

/**
 * What an operator watches, in Prometheus's text format (prom-client), one registry per process.
 * Every name here is queried by deploy/grafana/campaign-platform.json (a test keeps them in step).
 */
export const METRIC_NAMES = {
  httpDuration: 'campaign_http_request_duration_seconds',
  commands: 'campaign_commands_total',
  commandDuration: 'campaign_command_duration_seconds',
  conflictRetries: 'campaign_command_conflict_retries_total',
  appendedEvents: 'campaign_events_appended_total',
  appendBatch: 'campaign_append_batch_size',
  projectionPosition: 'campaign_projection_position',
  projectionLagEvents: 'campaign_projection_lag_events',
  projectionLagSeconds: 'campaign_projection_lag_seconds',
  projectionFailed: 'campaign_projection_failed',
  busConsumerLag: 'campaign_bus_consumer_lag_messages',
  dbPool: 'campaign_db_pool_connections',
  dbPoolMax: 'campaign_db_pool_max_connections',
} as const;

/** Which command the current async work belongs to: a conflict met by the store is counted against it. */
const commandScope = new AsyncLocalStorage<{ readonly command: string }>();

export interface MetricsSources {
  readonly pool?: Pool;
  readonly poolMax?: number;
  readonly store?: EventStore;
  /** Projection lag is measured where read models are read or written (api, projector). */
  readonly projections?: boolean;
  /** Consumer lag per group of the message bus, when it can tell. */
  readonly busLag?: () => Promise<readonly { groupId: string; topic: string; lag: number }[]>;
}

interface ProjectionReading {
  readonly name: string;
  readonly position: number;
  readonly lagEvents: number | null;
  readonly lagSeconds: number;
  readonly failed: number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;
  private readonly commands: Counter<'command' | 'outcome' | 'code'>;
  private readonly commandDuration: Histogram<'command' | 'outcome'>;
  private readonly conflictRetries: Counter<'command'>;
  private readonly appended: Counter<'store'>;
  private readonly appendBatch: Histogram<'store'>;
  private sources: MetricsSources = {};
  /** The projections as read for the scrape under way (each scrape reads afresh). */
  private reading: Promise<ProjectionReading[]> | undefined;

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: METRIC_NAMES.httpDuration,
      help: 'HTTP requests by route pattern (never the concrete path) and status class, in seconds',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.commands = new Counter({
      name: METRIC_NAMES.commands,
      help: 'Commands handled, by type and outcome (ok, refused with its code, conflict after retries, unavailable, error)',
      labelNames: ['command', 'outcome', 'code'],
      registers,
    });
    this.commandDuration = new Histogram({
      name: METRIC_NAMES.commandDuration,
      help: 'Time to handle a command on the CommandBus, in seconds',
      labelNames: ['command', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.conflictRetries = new Counter({
      name: METRIC_NAMES.conflictRetries,
      help: 'Appends refused for a concurrency conflict (WrongExpectedVersion) while handling a command; the handler retries on fresh state',
      labelNames: ['command'],
      registers,
    });
    this.appended = new Counter({ name: METRIC_NAMES.appendedEvents, help: 'Events appended by this process', labelNames: ['store'], registers });
    this.appendBatch = new Histogram({
      name: METRIC_NAMES.appendBatch,
      help: 'Events per append call (one stream, or all streams of a multi-stream append)',
      labelNames: ['store'],
      buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000],
      registers,
    });
    const self = this;
    new Gauge({
      name: METRIC_NAMES.dbPool,
      help: 'Connections of the database pool: total open, idle, and clients waiting for one',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = self.sources.pool;
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({
      name: METRIC_NAMES.dbPoolMax,
      help: 'Most connections the database pool opens',
      registers,
      collect() {
        if (self.sources.poolMax !== undefined) this.set(self.sources.poolMax);
      },
    });
    // One reading of the checkpoints per scrape fills the four projection gauges (they are collected concurrently).
    const projectionsNow = (): Promise<ProjectionReading[]> => (self.reading ??= self.readProjections());
    const projectionGauge = (name: string, help: string, value: (r: ProjectionReading) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers,
        async collect() {
          const rows = await projectionsNow();
          this.reset();
          for (const r of rows) {
            const v = value(r);
            if (v !== null) this.set({ projection: r.name }, v);
          }
        },
      });
    projectionGauge(METRIC_NAMES.projectionPosition, "A projection's checkpoint: the global sequence number (prepare) of the last event it applied", (r) => r.position);
    projectionGauge(METRIC_NAMES.projectionLagEvents, 'Events in the store a projection has not applied yet (Postgres store; absent on EventStoreDB)', (r) => r.lagEvents);
    projectionGauge(METRIC_NAMES.projectionLagSeconds, 'Age in seconds of the oldest event a projection has not applied (0 when caught up)', (r) => r.lagSeconds);
    projectionGauge(METRIC_NAMES.projectionFailed, '1 while a projection is stopped on an event it could not apply', (r) => r.failed);
    new Gauge({
      name: METRIC_NAMES.busConsumerLag,
      help: 'Messages of a topic a consumer group has not committed yet',
      labelNames: ['group', 'topic'],
      registers,
      async collect() {
        if (!self.sources.busLag) return;
        this.reset();
        try {
          for (const l of await self.sources.busLag()) this.set({ group: l.groupId, topic: l.topic }, l.lag);
        } catch {
          // The bus is away: no series this scrape.
        }
      },
    });
  }

  private async readProjections(): Promise<ProjectionReading[]> {
    const { pool, store, projections } = this.sources;
    if (!projections || !pool || !store) return [];
    try {
      const out: ProjectionReading[] = [];
      const live = (await readCheckpoints(pool)).filter((c) => !c.name.includes('#'));
      const fresh = await freshnessOfMany(pool, store, live.map((c) => ({ projection: c.name, position: c.position })));
      live.forEach((c, i) => {
        const f = fresh[i]!;
        out.push({ name: c.name, position: Number(c.position.prepare), lagEvents: f.lag.events, lagSeconds: f.lag.seconds, failed: c.state === 'failed' ? 1 : 0 });
      });
      return out;
    } catch {
      // The database is away: the scrape still answers (process metrics), without these series.
      return [];
    }
  }

  /** Where the pool, projection and bus gauges read from (set once the runtime has them). */
  observe(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  text(): Promise<string> {
    this.reading = undefined;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** One HTTP request: its route pattern (e.g. `/api/customers/:id`), never the concrete path. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  /** Runs a command, counting its outcome; conflicts the store meets meanwhile are counted against it. */
  async observeCommand<T>(command: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const done = (outcome: string, code: string) => {
      this.commands.inc({ command, outcome, code });
      this.commandDuration.observe({ command, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    try {
      const result = await commandScope.run({ command }, () => inSpan(`command ${command}`, 'internal', undefined, { 'command.type': command }, run));
      done('ok', '');
      return result;
    } catch (err) {
      const [outcome, code] = commandOutcome(err);
      done(outcome, code);
      throw err;
    }
  }

  /** Wraps a store so that appends (and conflicts, against the command being handled) are counted. */
  instrumentStore<S extends EventStore>(store: S): S {
    const appended = this.appended;
    const batch = this.appendBatch;
    const retries = this.conflictRetries;
    const kind = store.kind;
    /** `written`: how many of the call's events the store actually wrote (a repeat writes none). */
    const count = async <R>(written: (result: R) => number, append: () => Promise<R>): Promise<R> => {
      try {
        const result = await append();
        const events = written(result);
        if (events > 0) {
          appended.inc({ store: kind }, events);
          batch.observe({ store: kind }, events);
        }
        return result;
      } catch (err) {
        // A non-atomic store (EventStoreDB) may have stored part of the call before failing: counted now, since the retry finds it stored.
        const before = eventsWrittenBefore(err);
        if (before > 0) {
          appended.inc({ store: kind }, before);
          batch.observe({ store: kind }, before);
        }
        if (err instanceof WrongExpectedVersion) retries.inc({ command: commandScope.getStore()?.command ?? 'none' });
        throw err;
      }
    };
    return new Proxy(store, {
      get(target, prop) {
        if (prop === 'appendToStream') {
          return (streamId: string, events: readonly unknown[], ...rest: unknown[]) =>
            count((r: AppendResult) => eventsWritten(r, events.length), () => (target.appendToStream as (...a: unknown[]) => Promise<AppendResult>).call(target, streamId, events, ...rest));
        }
        if (prop === 'appendToStreams') {
          return (appends: readonly { events: readonly unknown[] }[], ...rest: unknown[]) =>
            count(
              (results: AppendResult[]) => appends.reduce((n, a, i) => n + eventsWritten(results[i], a.events.length), 0),
              () => (target.appendToStreams as (...a: unknown[]) => Promise<AppendResult[]>).call(target, appends, ...rest),
            );
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/** How many of the `sent` events an append wrote: none for a repeat, `written` for a partly repeated split append, else all. */
export function eventsWritten(result: AppendResult | undefined, sent: number): number {
  if (result?.repeated) return 0;
  return result?.written ?? sent;
}

/** A command's label: the domain command's own `type` when it carries one, else its class. */
export function commandLabel(command: object): string {
  const inner = (command as { command?: { type?: unknown } }).command;
  if (inner && typeof inner.type === 'string') return inner.type;
  const kind = (command as { body?: { kind?: unknown } }).body?.kind;
  return typeof kind === 'string' ? `${command.constructor.name}:${kind}` : command.constructor.name;
}

function commandOutcome(err: unknown): [outcome: string, code: string] {
  // The error's own code, the one the API answers with (CONCURRENCY_CONFLICT): a dashboard reads the client's word.
  if (err instanceof WrongExpectedVersion) return ['conflict', err.code];
  if (err instanceof DomainError) return ['refused', err.code];
  if ((err as { transient?: unknown })?.transient === true) return ['unavailable', String((err as { code?: unknown }).code ?? 'TRANSIENT')];
  const code = (err as { code?: unknown })?.code;
  return ['error', typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? code : (err as Error)?.name ?? 'Error'];
}
