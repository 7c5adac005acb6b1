import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, resolveKey, temporaryDataDir, TokenIssuer } from '@app/platform';

/**
 * The real process, as `npm start` runs it (built by `npm test` first): on the embedded default it
 * starts PostgreSQL itself, serves /health, and on Ctrl-C (SIGINT) leaves no server behind.
 */
const root = join(__dirname, '..', '..');
const main = join(root, 'dist/apps/api/src/main.js');

async function waitForHealth(url: string, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no 200 from ${url} within ${ms} ms`);
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` (the built api) on a fresh data directory and a free port, with its output kept. */
async function startProduct(env: Record<string, string>) {
  const dataDir = temporaryDataDir('campaign-e2e-');
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', EVENTSTORE_URL: '', SEED_DEMO_CUSTOMERS: '300', SEED_DEMO_MONTHS: '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, port, dataDir, url: `http://127.0.0.1:${port}`, output: () => output };
}

describe('npm start on the embedded default', () => {
  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` (npm test does it first)`);
  });

  it('serves /health within 30 s and stops its PostgreSQL on SIGINT', async () => {
    // The demo seed is on by default: SIGINT while it writes must still stop cleanly.
    const { child, port, dataDir, output } = await startProduct({});
    try {
      await waitForHealth(`http://127.0.0.1:${port}/health`, 30_000);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as { store: { kind: string } };
      expect(ready.store.kind).toBe('postgres');
      // the seeding starts just after the server listens
      for (let i = 0; i < 100 && !output().includes('empty store: seeding a demo history'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(output()).toContain('empty store: seeding a demo history');
      const postmaster = Number(readFileSync(join(dataDir, 'pg', 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
      expect(isAlive(postmaster)).toBe(true);
      child.kill('SIGINT');
      expect(await exited(child)).toBe(0);
      expect(isAlive(postmaster)).toBe(false);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n--- process output ---\n${output()}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('seeds a demo bank on an empty store, served at once to a token minted with the generated key', async () => {
    const { child, port, dataDir, output } = await startProduct({ JWT_SECRET: '' });
    try {
      await waitForHealth(`http://127.0.0.1:${port}/health`, 30_000);
      for (let i = 0; i < 600 && !output().includes('demo seeded'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(output()).toContain('demo seeded');
      // campaignctl token does this: sign with the key the server generated under DATA_DIR/keys
      const token = new TokenIssuer(resolveKey(undefined, dataDir, 'jwt-signing.key'), 1).issue('analyst-ho').token;
      let campaigns: string[] = [];
      for (let i = 0; i < 100 && !campaigns.includes('K-DEPOSIT'); i++) {
        const res = await fetch(`http://127.0.0.1:${port}/api/campaigns`, { headers: { authorization: `Bearer ${token}` } });
        campaigns = ((await res.json()) as { campaigns?: { campaignId: string }[] }).campaigns?.map((c) => c.campaignId) ?? [];
        if (!campaigns.includes('K-DEPOSIT')) await new Promise((r) => setTimeout(r, 100));
      }
      expect(campaigns).toContain('K-DEPOSIT');
      // the front end, as npm run build:web left it in dist/web, is served at /
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect([page.status, (await page.text()).includes('<div id="app"></div>')]).toEqual([200, true]);
      child.kill('SIGINT');
      expect(await exited(child)).toBe(0);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n--- process output ---\n${output().slice(-4000)}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT /],
    [{ DATABASE_URL: 'nonsense' }, /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/],
  ])('exits non-zero with one clear line for bad configuration %j', (env, line) => {
    const r = spawnSync(process.execPath, [main], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });
});
