import { UPCASTERS, upcastWith } from '@app/domain';
import { EventStoreDbEventStore, EventStore1764000000000, PostgresEventStore, type EventStore, type RecordedEvent } from '@app/event-store';
import { KafkaMessageBus, MessageBus1764000007000, PostgresMessageBus, type MessageBus } from '@app/messaging';
import { PROJECTIONS, ProjectionRunner, Projections1764000001000 } from '@app/read-models';
import type { AppConfig } from './config';
import { AuditLog, AuditLog1764000009000 } from './audit';
import { IdempotencyKeys1764000003000 } from './idempotency';
import { PiiVault, PiiVault1764000008000, resolvePiiMasterKey } from './pii-vault';
import { tokenIssuerFor, type TokenIssuer } from './tokens';
import { migrate, openDatabase, type Database } from './database';
import type { Logger } from './logger';

/** Every schema migration the product has, in one list; TypeORM orders them by timestamp. Read-model tables are not here: each projection creates its own, per build (blue/green). */
export const MIGRATIONS = [EventStore1764000000000, Projections1764000001000, IdempotencyKeys1764000003000, MessageBus1764000007000, PiiVault1764000008000, AuditLog1764000009000];

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
  /** Kafka when KAFKA_BROKERS is set, else the Postgres-backed bus. */
  readonly bus: MessageBus;
  /** Started by `startProjector` (in the projector process, or in-process on the embedded default). */
  projector?: ProjectionRunner;
  close(): Promise<void>;
}

/** Runs every projection in this process until the runtime closes. */
export async function startProjector(runtime: Runtime): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner(runtime.store, runtime.db.pool, PROJECTIONS, runtime.log, {
    batchSize: runtime.config.projectorBatchSize,
    maxBatchWaitMs: runtime.config.projectorMaxWaitMs,
  });
  await runner.start();
  runtime.projector = runner;
  runtime.log.info({ projections: PROJECTIONS.map((p) => p.name) }, 'projector running');
  return runner;
}

/** `joinRunning`: share an embedded server another process (e.g. `npm start`) is running (the CLI does). */
export async function startRuntime(config: AppConfig, log: Logger, options: { joinRunning?: boolean } = {}): Promise<Runtime> {
  const db = await openDatabase(config, log, options);
  try {
    const ran = await migrate(db.url, MIGRATIONS);
    if (ran.length) log.info({ migrations: ran }, 'schema migrated');
    const upcast = upcastWith<RecordedEvent>(UPCASTERS);
    const store: EventStore = config.eventStoreUrl
      ? EventStoreDbEventStore.connect(config.eventStoreUrl, upcast)
      : new PostgresEventStore(db.pool, { connectionString: db.url, upcast });
    const bus: MessageBus = config.kafkaBrokers ? KafkaMessageBus.connect(config.kafkaBrokers) : new PostgresMessageBus(db.pool);
    log.info({ store: store.kind, bus: bus.kind }, 'event store ready');
    const runtime: Runtime = {
      config,
      log,
      db,
      store,
      bus,
      vault: new PiiVault(db.pool, resolvePiiMasterKey(config.piiMasterKey, config.dataDir)),
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
