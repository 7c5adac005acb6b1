/**
 * `npm run api:types`: writes the front end's API types (apps/web/src/api/openapi.d.ts) from the
 * OpenAPI document the api serves at /docs/openapi.json, built from the controllers on the
 * configured database (the embedded one under DATA_DIR by default, shared with a running api).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, loadConfig, startRuntime } from '@app/platform';
import { createApi } from '../bootstrap';
import { openApiDocument } from './openapi';
import { generateTypes, TYPES_FILE } from './typescript';

async function main() {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', RUN_PROJECTOR: 'false', SEED_DEMO: 'false' });
  const runtime = await startRuntime(config, createLogger('silent'), { joinRunning: true });
  try {
    const app = await createApi(runtime);
    await app.init();
    const types = generateTypes(JSON.stringify(openApiDocument(app)));
    mkdirSync(dirname(TYPES_FILE), { recursive: true });
    writeFileSync(TYPES_FILE, types);
    process.stdout.write(`wrote ${TYPES_FILE}\n`);
    await app.close();
  } finally {
    await runtime.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
