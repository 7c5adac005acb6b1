import { UPCASTERS, upcastWith, useBankTimeZone } from '@app/domain';
import { EventStoreDbEventStore, EventStore1764000000000, EventRewrites1764000016090, EventStoreClaim1764000016160, EventStoreClaimByKey1764000019813, PostgresEventStore, type EventStore, type RecordedEvent } from '@app/event-store';
import { KafkaMessageBus, MessageBus1764000007000, MessageBusVisibility1764000016040, PostgresMessageBus, Relay1764000010000, type MessageBus } from '@app/messaging';
import { NotificationReads1764000019400, NotificationsSince1764000019500, PROJECTIONS, ProjectionRunner, Projections1764000001000, ProjectionTimeZone1764000019850, useReadStatementTimeout } from '@app/read-models';
import type { AppConfig } from './config';
import { AuditLog, AuditLog1764000009000 } from './audit';
import { CredentialStore, SessionStore, SignInThrottle1764000016095, KnownAddressLockout1764000018200, SignInThrottleKeyed1764000018160, signInThrottleKeyFrom, StaffCredentials1764000015000 } from './auth';
import { IdempotencyKeys1764000003000, IdempotencyStore, idempotencyHashKeyFrom } from './idempotency';
import { PiiVault, PiiVault1764000008000, resolvePiiMasterKey } from './pii-vault';
import { PiiNotes1764000016060 } from './pii-notes';
import { PlanDocuments1764000017000, PlanDocumentStore } from './documents';
import { ErasureIndex1764000018170 } from './erasure';
import { LegacyErasureReasons1764000019710 } from './legacy-erasure-reasons';
import { LegacyCorrectionReasons1764000019720 } from './legacy-correction-reasons';
import { legacyReasonsWarning } from './legacy-reasons-warning';
import { tokenIssuerFor, type TokenIssuer } from './tokens';
import { isDatabaseUnavailable, migrate, openDatabase, type Database } from './database';
import type { Logger } from './logger';
import { Client } from 'pg';
import { Metrics } from './metrics';

/** Every schema migration the product has, in one list; TypeORM orders them by timestamp. Read-model tables are not here: each projection creates its own, per build (blue/green). */
export const MIGRATIONS = [EventStore1764000000000, Projections1764000001000, IdempotencyKeys1764000003000, MessageBus1764000007000, PiiVault1764000008000, AuditLog1764000009000, Relay1764000010000, StaffCredentials1764000015000, MessageBusVisibility1764000016040, PiiNotes1764000016060, EventRewrites1764000016090, SignInThrottle1764000016095, EventStoreClaim1764000016160, PlanDocuments1764000017000, SignInThrottleKeyed1764000018160, ErasureIndex1764000018170, KnownAddressLockout1764000018200, NotificationReads1764000019400, NotificationsSince1764000019500, LegacyErasureReasons1764000019710, LegacyCorrectionReasons1764000019720, EventStoreClaimByKey1764000019813, ProjectionTimeZone1764000019850];

/** What every app process needs: the database (migrated) and the event store. */
export interface Runtime {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly db: Database;
  readonly store: EventStore;
  /** Customers' personal data, encrypted, outside the event log. */
  readonly vault: PiiVault;
  readonly audit: AuditLog;
  /** Campaign plan documents: their bytes, outside the event log (which records their SHA-256). */
  readonly planDocuments: PlanDocumentStore;
  /** Signs and checks the API's bearer tokens. */
  readonly tokens: TokenIssuer;
  /** What was done for an idempotency key (API commands) or a message id (channel ingest). */
  readonly idempotency: IdempotencyStore;
  /** Staff passwords (hashed) and lockout; browser sessions. */
  readonly credentials: CredentialStore;
  readonly sessions: SessionStore;
  /** Kafka when KAFKA_BROKERS is set, else the Postgres-backed bus. */
  readonly bus: MessageBus;
  /** This process's Prometheus metrics (GET /metrics). */
  readonly metrics: Metrics;
  /** Started by `startProjector` (in the projector process, or in-process on the embedded default). */
  projector?: ProjectionRunner;
  /**
   * Settles when this process lost the projector lock for good: its session ended (the database
   * restarted) and another process took the lock meanwhile. The process must then stop projecting:
   * it exits for a restart (and stands by).
   */
  projectorLost?: Promise<Error>;
  close(): Promise<void>;
}

/** The projector is one process per database: its lock (a session advisory lock) says which. */
const PROJECTOR_LOCK = 'campaign-platform projector';

export class ProjectorRunningElsewhere extends Error {
  override readonly name = 'ProjectorRunningElsewhere';
}

/**
 * Runs every projection in this process until the runtime closes. Only one process per database
 * projects: `wait` (the apps) stands by until the lock is free (a replica takes over when the
 * active one stops); without it (the CLI) a projector elsewhere is an error.
 */
export async function startProjector(runtime: Runtime, options: { wait?: boolean } = {}): Promise<ProjectionRunner> {
  let lock = new Client({ connectionString: runtime.db.url });
  await lock.connect();
  lock.on('error', () => undefined);
  const { rows } = await lock.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [PROJECTOR_LOCK]);
  if (!rows[0]!.ok) {
    if (!options.wait) {
      await lock.end();
      throw new ProjectorRunningElsewhere('the projector runs in another process on this database (e.g. npm start): stop it, or rebuild through POST /api/projections/:name/rebuild');
    }
    runtime.log.info('another process is projecting; standing by');
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [PROJECTOR_LOCK]);
  }
  const runner = new ProjectionRunner(runtime.store, runtime.db.pool, PROJECTIONS, runtime.log, {
    batchSize: runtime.config.projectorBatchSize,
    maxBatchWaitMs: runtime.config.projectorMaxWaitMs,
    catchUpBatchSize: runtime.config.projectorCatchUpBatchSize,
    batchesInFlight: runtime.config.projectorBatchesInFlight,
    isTransient: isDatabaseUnavailable,
  });
  await runner.start();
  let stopped = false;
  let lost: (err: Error) => void = () => undefined;
  runtime.projectorLost = new Promise<Error>((resolve) => (lost = resolve));
  // The lock lives as long as its session: when the database restarts, take it again on a new
  // connection, unless another process took it meanwhile (then this one must stop projecting).
  const watch = (client: Client) =>
    client.once('end', () => {
      if (!stopped) void retake();
    });
  const retake = async () => {
    runtime.log.warn('the projector lock\'s session ended (database restart?): taking the lock again');
    for (let wait = 250; !stopped; wait = Math.min(wait * 2, 5_000)) {
      const again = new Client({ connectionString: runtime.db.url });
      again.on('error', () => undefined);
      try {
        await again.connect();
        const taken = await again.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [PROJECTOR_LOCK]);
        if (!taken.rows[0]!.ok) {
          await again.end().catch(() => undefined);
          lost(new ProjectorRunningElsewhere('another process took the projector lock while the database was away'));
          return;
        }
        lock = again;
        watch(again);
        runtime.log.info('projector lock taken again');
        return;
      } catch {
        await again.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  watch(lock);
  const stop = runner.stop.bind(runner);
  runner.stop = async () => {
    stopped = true;
    await stop();
    await lock.end().catch(() => undefined);
  };
  runtime.projector = runner;
  runtime.log.info({ projections: PROJECTIONS.map((p) => p.name) }, 'projector running');
  return runner;
}

export async function startRuntime(config: AppConfig, log: Logger, options: { joinRunning?: boolean; app?: string } = {}): Promise<Runtime> {
  // Before anything is decided or projected: every business day, month and year is cut in it.
  useBankTimeZone(config.bankTimeZone);
  // Every read-model answer's statements, whichever path reads them (as-of and what-if answers too).
  useReadStatementTimeout(config.readStatementTimeoutMs);
  const db = await openDatabase(config, log, options);
  try {
    const ran = await migrate(db.url, MIGRATIONS);
    if (ran.length) log.info({ migrations: ran }, 'schema migrated');
    const upcast = upcastWith<RecordedEvent>(UPCASTERS);
    const metrics = new Metrics(options.app ?? 'campaign-platform');
    // Appends (and conflicts met by commands) are counted at the port, whichever adapter is behind it.
    const store: EventStore = metrics.instrumentStore(
      config.eventStoreUrl ? EventStoreDbEventStore.connect(config.eventStoreUrl, upcast) : new PostgresEventStore(db.pool, { connectionString: db.url, upcast }),
    );
    metrics.observe({ pool: db.pool, poolMax: (db.pool as unknown as { options: { max: number } }).options.max, store });
    const bus: MessageBus = config.kafkaBrokers
      ? KafkaMessageBus.connect(config.kafkaBrokers, { ...config.kafkaTopics, log })
      : new PostgresMessageBus(db.pool);
    log.info({ store: store.kind, bus: bus.kind }, 'event store ready');
    const legacy = legacyReasonsWarning(store.kind, ran);
    if (legacy) log.warn(legacy.fields, legacy.message);
    const masterKey = resolvePiiMasterKey(config.piiMasterKey, config.dataDir);
    const runtime: Runtime = {
      config,
      log,
      db,
      store,
      bus,
      metrics,
      vault: new PiiVault(db.pool, masterKey),
      idempotency: new IdempotencyStore(db.pool, idempotencyHashKeyFrom(masterKey)),
      credentials: new CredentialStore(db.pool, { maxFailures: config.auth.maxFailedSignIns, lockMinutes: config.auth.lockoutMinutes, maxFailuresPerAddress: config.auth.maxFailedSignInsPerAddress }, signInThrottleKeyFrom(masterKey)),
      sessions: new SessionStore(db.pool, config.tokenTtlHours),
      audit: new AuditLog(db.pool),
      planDocuments: new PlanDocumentStore(db.pool),
      tokens: tokenIssuerFor(config),
      async close() {
        await runtime.projector?.stop();
        await bus.close();
        await store.close();
        await db.close();
      },
    };
    return runtime;
  } catch (err) {
    await db.close();
    throw err;
  }
}
