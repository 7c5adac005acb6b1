import { DomainError, type Organisation } from '@app/domain';
import { OrganisationView } from '@app/application';
import { bringReadModelsUpToDate } from './up-to-date';
import { startProjectorThread, type ProjectorThread } from './projector-thread';
import { ConfigError, createLogger, loadConfig, ProjectorRunningElsewhere, startProjector, startRuntime, type Runtime } from '@app/platform';

/** A failure the CLI reports as one line; `exitCode` 2 means the command was used wrongly. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** A usage mistake (bad option value): exit code 2. */
export const usage = (message: string) => new CliError(message, 2);

/**
 * Runs `fn` against the configured store: DATABASE_URL / EVENTSTORE_URL when set, else the
 * embedded PostgreSQL under DATA_DIR — started if nothing runs it, shared if `npm start` does.
 * Logs go to stderr at `warn` unless LOG_LEVEL says otherwise, so stdout stays the answer.
 */
/**
 * `projector`: 'required' runs the projector here (an error when another process runs it);
 * 'if-free' runs it here unless another process (npm start) already projects this database;
 * 'thread-if-free' the same, on a worker thread of this process when the CLI runs from its build
 * (a command that writes a lot: the projections are applied beside it, not between its steps).
 * `readModels: 'up-to-date'` (the read commands): the read models reach the store's head first.
 * `defaults`: settings (environment variables) the command prefers to the product's defaults; the
 * environment still wins.
 */
export async function withRuntime<T>(
  fn: (runtime: Runtime) => Promise<T>,
  options: { projector?: 'required' | 'if-free' | 'thread-if-free'; readModels?: 'up-to-date'; defaults?: Readonly<Record<string, string>> } = {},
): Promise<T> {
  let config;
  try {
    config = loadConfig({ LOG_LEVEL: 'warn', ...options.defaults, ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
  const runtime = await startRuntime(config, createLogger(config.logLevel), { joinRunning: true });
  let thread: ProjectorThread | null = null;
  try {
    if (options.projector === 'thread-if-free') thread = await startProjectorThread(runtime, options.defaults ?? {});
    if (options.projector && !thread) {
      try {
        await startProjector(runtime);
      } catch (err) {
        if (!(err instanceof ProjectorRunningElsewhere)) throw err;
        if (options.projector === 'required') throw new CliError(err.message);
      }
    }
    if (options.readModels === 'up-to-date') await bringReadModelsUpToDate(runtime);
    return await fn(runtime);
  } finally {
    // The thread's connections go before the database they use (the embedded one stops with the runtime).
    try {
      await thread?.stop();
    } finally {
      await runtime.close();
    }
  }
}

/** The organisation as the store holds it now. */
export function currentOrganisation(runtime: Runtime): Promise<Organisation> {
  return new OrganisationView(runtime.store).current();
}

/** One line for any error a command throws. */
export function describeError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof DomainError) return { message: `${err.code}: ${err.message}`, exitCode: err.kind === 'validation' ? 2 : 1 };
  return { message: (err as Error)?.message ?? String(err), exitCode: 1 };
}
