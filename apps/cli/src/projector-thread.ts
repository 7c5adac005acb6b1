import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createLogger, loadConfig, ProjectorRunningElsewhere, startProjector, startRuntime, type Runtime } from '@app/platform';

/**
 * What the thread says: running, another process projects this database, stopped, why it failed,
 * or that it lost the projector lock to another process (and stopped projecting).
 */
export type Report = { kind: 'running' } | { kind: 'elsewhere' } | { kind: 'stopped' } | { kind: 'failed'; message: string } | { kind: 'lost'; message: string };

interface ThreadData {
  /** The database the caller's runtime uses (its embedded server's address, or DATABASE_URL). */
  readonly url: string;
  readonly defaults: Readonly<Record<string, string>>;
}

/** The projector running on a thread of its own; `stop` ends it and its connections. */
export interface ProjectorThread {
  stop(): Promise<void>;
}

/**
 * Runs the projector on a worker thread against the caller's database, so that a command writing
 * many events (the seed) decides on one core while the projections are applied on another. Its
 * own runtime, pool and advisory lock; the caller waits for the read models through the
 * checkpoints, as for a projector in another process. Resolves to null when this file has not
 * been built (the CLI run from its sources, as in the specs: the caller projects in-process) and
 * when another process already projects this database (npm start).
 */
export async function startProjectorThread(
  runtime: Runtime,
  defaults: Readonly<Record<string, string>>,
  // Specs only: the worker to run instead of this built file (e.g. one that crashes).
  spawn?: () => Worker,
): Promise<ProjectorThread | null> {
  const file = join(__dirname, 'projector-thread.js');
  if (!spawn && (!__filename.endsWith('.js') || !existsSync(file))) return null;
  const data: ThreadData = { url: runtime.db.url, defaults };
  const worker = spawn ? spawn() : new Worker(file, { workerData: data });
  let failure: Error | null = null;
  let exited: number | null = null;
  worker.on('exit', (code) => (exited = code));
  // The thread's next report; a thread that errs or exits without one rejects it (never left waiting).
  const next = () =>
    new Promise<Report>((resolve, reject) => {
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (r: Report) => (settle(), resolve(r));
      const onError = (err: Error) => (settle(), reject(err));
      const onExit = (code: number) => (settle(), reject(new Error(`the projector thread exited (code ${code}) without a word`)));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  const first = await next();
  if (first.kind === 'elsewhere') {
    await worker.terminate();
    return null;
  }
  if (first.kind !== 'running') {
    await worker.terminate();
    throw new Error(`the projector thread did not start: ${first.kind === 'failed' ? first.message : first.kind}`);
  }
  // A failure later (the thread crashed, or its runtime failed) shows at stop, which never waits on a thread gone.
  worker.on('error', (err) => (failure = err));
  // Lost the lock (the database went away and another process took the lock meanwhile): the thread
  // stopped projecting and ends; the other process keeps the read models, so the caller's waits go on.
  let lost: string | null = null;
  worker.on('message', (r: Report) => {
    if (r.kind !== 'lost') return;
    lost = r.message;
    runtime.log.warn({ reason: r.message }, 'the projector thread lost the projector lock to another process and stopped projecting; that process keeps the read models');
  });
  return {
    async stop() {
      if (lost !== null) {
        await worker.terminate();
        return;
      }
      if (exited === null) {
        const stopped = next().catch((err: Error) => ({ kind: 'failed' as const, message: err.message }));
        worker.postMessage('stop');
        const r = await stopped;
        await worker.terminate();
        if (failure) throw new Error(`the projector thread failed: ${failure.message}`);
        if (r.kind === 'failed') throw new Error(`the projector thread failed: ${r.message}`);
        return;
      }
      if (failure) throw new Error(`the projector thread failed: ${failure.message}`);
      throw new Error(`the projector thread stopped early (exit code ${exited}): the read models may be behind`);
    },
  };
}

/** The port the thread talks through (the worker's parentPort; a MessageChannel's port in specs). */
export interface ThreadPort {
  postMessage(report: Report): void;
  once(event: 'message', listener: () => void): unknown;
}

const messageOf = (err: unknown) => String((err as Error)?.message ?? err);

/**
 * The thread's side on a started runtime: the projector, a stop on request, and, when the runtime
 * loses the projector lock for good (its session ended and another process took the lock), the
 * runtime closed at once (no second projector writing the same read models) and `lost` reported.
 * Resolves once it has reported `running` or `elsewhere`.
 */
export async function projectOnThread(port: ThreadPort, runtime: Runtime): Promise<void> {
  try {
    await startProjector(runtime);
  } catch (err) {
    await runtime.close();
    if (err instanceof ProjectorRunningElsewhere) return port.postMessage({ kind: 'elsewhere' });
    throw err;
  }
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= runtime.close());
  void runtime.projectorLost?.then((reason) =>
    close().then(
      () => port.postMessage({ kind: 'lost', message: reason.message }),
      (err: unknown) => port.postMessage({ kind: 'failed', message: messageOf(err) }),
    ),
  );
  port.once('message', () => {
    close().then(
      () => port.postMessage({ kind: 'stopped' }),
      (err: unknown) => port.postMessage({ kind: 'failed', message: messageOf(err) }),
    );
  });
  port.postMessage({ kind: 'running' });
}

/** The thread: its own runtime on the caller's database, then `projectOnThread`. */
async function runThread(port: ThreadPort, { url, defaults }: ThreadData): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...defaults, ...process.env, DATABASE_URL: url });
  const runtime = await startRuntime(config, createLogger(config.logLevel).child({ thread: 'projector' }), { app: 'cli-projector' });
  await projectOnThread(port, runtime);
}

if (!isMainThread && parentPort && (workerData as ThreadData | null)?.url) {
  const port = parentPort;
  runThread(port, workerData as ThreadData).catch((err: unknown) => port.postMessage({ kind: 'failed', message: messageOf(err) }));
}
