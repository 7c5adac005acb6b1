export * from './config';
export * from './database';
export * from './embedded-postgres';
export * from './logger';
export * from './runtime';
export * from './main-process';
export * from './idempotency';
export * from './pii-vault';
