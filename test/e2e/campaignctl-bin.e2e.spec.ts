import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Issue 16, item 13: `npx campaignctl …` right after `npm install` failed, as the declared bin lived
 * in dist/, which only a build makes. A fresh checkout (no dist/) in a temporary folder, sharing
 * this checkout's node_modules as `npm install` would have made them.
 */
describe('npx campaignctl on a fresh checkout', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkout-'));
    for (const f of ['apps', 'libs', 'bin', 'package.json', '.swcrc', 'tsconfig.json', 'tsconfig.build.json']) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds on first use and answers --help; the next run uses the build', () => {
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    const first = execFileSync('npx', ['--no-install', 'campaignctl', '--help'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    expect(first).toMatch(/Usage: campaignctl/);
    expect(existsSync(join(dir, 'dist', 'apps', 'cli', 'src', 'main.js'))).toBe(true);
    const again = execFileSync('npx', ['--no-install', 'campaignctl', 'token', '--help'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    expect(again).toMatch(/--user/);
  }, 180_000);
});
