import { UPCASTERS, upcastWith, useBankTimeZone } from '@app/domain';
import { EventStoreDbEventStore, EventStore1764000000000, PostgresEventStore, type EventStore, type RecordedEvent } from '@app/event-store';
import { KafkaMessageBus, MessageBus1764000007000, MessageBusVisibility1764000016040, PostgresMessageBus, Relay1764000010000, type MessageBus } from '@app/messaging';
import { PROJECTIONS, ProjectionRunner, Projections1764000001000 } from '@app/read-models';
import type { AppConfig } from './config';
import { AuditLog, AuditLog1764000009000 } from './audit';
import { IdempotencyKeys1764000003000, IdempotencyStore, idempotencyHashKeyFrom } from './idempotency';
import { PiiVault, PiiVault1764000008000, resolvePiiMasterKey } from './pii-vault';
import { PiiNotes1764000016060 } from './pii-notes';
import { tokenIssuerFor, type TokenIssuer } from './tokens';
import { migrate, openDatabase, type Database } from './database';
import type { Logger } from './logger';
import { Client } from 'pg';

/** Every schema migration the product has, in one list; TypeORM orders them by timestamp. Read-model tables are not here: each projection creates its own, per build (blue/green). */
export const MIGRATIONS = [EventStore1764000000000, Projections1764000001000, IdempotencyKeys1764000003000, MessageBus1764000007000, PiiVault1764000008000, AuditLog1764000009000, Relay1764000010000, MessageBusVisibility1764000016040, PiiNotes1764000016060];

/** What every app process needs: the database (migrated) and the event store. */
export interface Runtime {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly db: Database;
  readonly store: EventStore;
  /** Customers' personal data, encrypted, outside the event log. */
  readonly vault: PiiVault;
  readonly audit: AuditLog;
  /** Signs and checks the API's bearer tokens. */
  readonly tokens: TokenIssuer;
  /** What was done for an idempotency key (API commands) or a message id (channel ingest). */
  readonly idempotency: IdempotencyStore;
  /** Kafka when KAFKA_BROKERS is set, else the Postgres-backed bus. */
  readonly bus: MessageBus;
  /** Started by `startProjector` (in the projector process, or in-process on the embedded default). */
  projector?: ProjectionRunner;
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
  const lock = new Client({ connectionString: runtime.db.url });
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
  });
  await runner.start();
  const stop = runner.stop.bind(runner);
  runner.stop = async () => {
    await stop();
    await lock.end().catch(() => undefined);
  };
  runtime.projector = runner;
  runtime.log.info({ projections: PROJECTIONS.map((p) => p.name) }, 'projector running');
  return runner;
}

export async function startRuntime(config: AppConfig, log: Logger, options: { joinRunning?: boolean } = {}): Promise<Runtime> {
  // Before anything is decided or projected: every business day, month and year is cut in it.
  useBankTimeZone(config.bankTimeZone);
  const db = await openDatabase(config, log, options);
  try {
    const ran = await migrate(db.url, MIGRATIONS);
    if (ran.length) log.info({ migrations: ran }, 'schema migrated');
    const upcast = upcastWith<RecordedEvent>(UPCASTERS);
    const store: EventStore = config.eventStoreUrl
      ? EventStoreDbEventStore.connect(config.eventStoreUrl, upcast)
      : new PostgresEventStore(db.pool, { connectionString: db.url, upcast });
    const bus: MessageBus = config.kafkaBrokers
      ? KafkaMessageBus.connect(config.kafkaBrokers, { ...config.kafkaTopics, log })
      : new PostgresMessageBus(db.pool);
    log.info({ store: store.kind, bus: bus.kind }, 'event store ready');
    const masterKey = resolvePiiMasterKey(config.piiMasterKey, config.dataDir);
    const runtime: Runtime = {
      config,
      log,
      db,
      store,
      bus,
      vault: new PiiVault(db.pool, masterKey),
      idempotency: new IdempotencyStore(db.pool, idempotencyHashKeyFrom(masterKey)),
      audit: new AuditLog(db.pool),
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
