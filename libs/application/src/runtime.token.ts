/** DI token for the process's Runtime (config, logger, database, event store). */
export const RUNTIME = Symbol('RUNTIME');
