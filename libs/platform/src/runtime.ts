import { EventStoreDbEventStore, EventStore1764000000000, PostgresEventStore, type EventStore } from '@app/event-store';
import type { AppConfig } from './config';
import { migrate, openDatabase, type Database } from './database';
import type { Logger } from './logger';

/** Every schema migration the product has, in one list; TypeORM orders them by timestamp. */
export const MIGRATIONS = [EventStore1764000000000];

/** What every app process needs: the database (migrated) and the event store. */
export interface Runtime {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly db: Database;
  readonly store: EventStore;
  close(): Promise<void>;
}

export async function startRuntime(config: AppConfig, log: Logger): Promise<Runtime> {
  const db = await openDatabase(config, log);
  try {
    const ran = await migrate(db.url, MIGRATIONS);
    if (ran.length) log.info({ migrations: ran }, 'schema migrated');
    const store: EventStore = config.eventStoreUrl
      ? EventStoreDbEventStore.connect(config.eventStoreUrl)
      : new PostgresEventStore(db.pool, { connectionString: db.url });
    log.info({ store: store.kind }, 'event store ready');
    return {
      config,
      log,
      db,
      store,
      async close() {
        await store.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
