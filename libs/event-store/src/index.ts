export * from './events';
export * from './errors';
export * from './event-store.port';
export * from './handle-command';
export { PostgresEventStore, satisfies } from './postgres/postgres-event-store';
export { EventStore1764000000000 } from './postgres/1764000000000-event-store.migration';
export { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
