import { rmSync } from 'node:fs';
import type { RunningPostgres } from '../libs/platform/src/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __TEST_PG__?: { pg: RunningPostgres; dir: string } }).__TEST_PG__;
  if (!started) return;
  await started.pg.stop();
  rmSync(started.dir, { recursive: true, force: true });
}
