import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The front end's API types, generated from the OpenAPI document (issue 15: one contract for both sides). */
export const TYPES_FILE = resolve(__dirname, '../../../../apps/web/src/api/openapi.d.ts').replace(/\/dist\/apps\/web\//, '/apps/web/');

/** openapi-typescript over the document's text (its CLI: the package is an ES module). */
export function generateTypes(documentText: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    writeFileSync(input, documentText);
    const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    return execFileSync(process.execPath, [cli, input], { maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
