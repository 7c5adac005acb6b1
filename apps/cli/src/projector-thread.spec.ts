import { Worker } from 'node:worker_threads';
import type { Runtime } from '@app/platform';
import { startProjectorThread } from './projector-thread';

/** A worker from source text: says it runs, then does what `then` says. The last one started is `last`. */
let last: Worker;
const thread = (then: string) => () =>
  (last = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ kind: 'running' }); ${then}`, { eval: true }));
/** Until the last thread has ended (its 'exit' reaches this side after any 'error'): not a fixed pause, which a loaded machine outlasts. */
const ended = () => new Promise((r) => (last.threadId === -1 ? r(undefined) : last.once('exit', r)));
const warned: string[] = [];
const runtime = { db: { url: 'postgres://unused' }, log: { warn: (_: unknown, msg: string) => warned.push(msg) } } as unknown as Runtime;
const settled = (p: Promise<void>) =>
  Promise.race([p.then(() => 'resolved', (err: Error) => `rejected: ${err.message}`), new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5_000))]);

describe('the CLI projector thread: stop never waits on a thread that is gone', () => {
  it('given a thread that answers stop, when stopped, then stop resolves', async () => {
    const t = await startProjectorThread(runtime, {}, thread(`parentPort.once('message', () => parentPort.postMessage({ kind: 'stopped' }));`));
    expect(await settled(t!.stop())).toBe('resolved');
  });

  it('given a thread that crashed while the command ran, when stopped, then stop rejects with its error', async () => {
    const t = await startProjectorThread(runtime, {}, thread(`parentPort.on('message', () => {}); setTimeout(() => { throw new Error('projector thread crashed'); }, 50);`));
    await ended();
    expect(await settled(t!.stop())).toBe('rejected: the projector thread failed: projector thread crashed');
  });

  it('given a thread that ended without a word, when stopped, then stop rejects: the read models may be behind', async () => {
    const t = await startProjectorThread(runtime, {}, thread(`setTimeout(() => process.exit(0), 50);`));
    await ended();
    expect(await settled(t!.stop())).toBe('rejected: the projector thread stopped early (exit code 0): the read models may be behind');
  });

  it('given a thread that crashes while being stopped, when stopped, then stop rejects instead of waiting', async () => {
    const t = await startProjectorThread(runtime, {}, thread(`parentPort.once('message', () => { throw new Error('crashed at stop'); });`));
    expect(await settled(t!.stop())).toBe('rejected: the projector thread failed: crashed at stop');
  });

  it('given a thread that lost the projector lock to another process, when stopped, then stop resolves and the loss was logged once', async () => {
    warned.length = 0;
    const t = await startProjectorThread(runtime, {}, thread(`parentPort.postMessage({ kind: 'lost', message: 'another process took the projector lock while the database was away' }); parentPort.on('message', () => {});`));
    await new Promise((r) => setTimeout(r, 200));
    expect(warned).toEqual(['the projector thread lost the projector lock to another process and stopped projecting; that process keeps the read models']);
    expect(await settled(t!.stop())).toBe('resolved');
  });
});
