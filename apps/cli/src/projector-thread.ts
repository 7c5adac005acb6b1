import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createLogger, loadConfig, ProjectorRunningElsewhere, startProjector, startRuntime, type Runtime } from '@app/platform';

/** What the thread says: running, another process projects this database, stopped, or why it failed. */
type Report = { kind: 'running' } | { kind: 'elsewhere' } | { kind: 'stopped' } | { kind: 'failed'; message: string };

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
  return {
    async stop() {
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

/** The thread's side: its own runtime on the caller's database, the projector, and a stop on request. */
async function runThread(port: NonNullable<typeof parentPort>, { url, defaults }: ThreadData): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...defaults, ...process.env, DATABASE_URL: url });
  const runtime = await startRuntime(config, createLogger(config.logLevel).child({ thread: 'projector' }), { app: 'cli-projector' });
  try {
    await startProjector(runtime);
  } catch (err) {
    await runtime.close();
    if (err instanceof ProjectorRunningElsewhere) return port.postMessage({ kind: 'elsewhere' } satisfies Report);
    throw err;
  }
  port.once('message', () => {
    runtime.close().then(
      () => port.postMessage({ kind: 'stopped' } satisfies Report),
      (err: unknown) => port.postMessage({ kind: 'failed', message: String((err as Error)?.message ?? err) } satisfies Report),
    );
  });
  port.postMessage({ kind: 'running' } satisfies Report);
}

if (!isMainThread && parentPort && (workerData as ThreadData | null)?.url) {
  const port = parentPort;
  runThread(port, workerData as ThreadData).catch((err: unknown) => port.postMessage({ kind: 'failed', message: String((err as Error)?.message ?? err) } satisfies Report));
}
