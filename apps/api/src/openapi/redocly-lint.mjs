// Lints the OpenAPI document on stdin with Redocly's recommended rules (@redocly/openapi-core, an
// ES module: run as its own process by the tests) and prints the problems as JSON.
import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const source = readFileSync(0, 'utf8');
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
process.stdout.write(
  JSON.stringify(problems.map((p) => ({ ruleId: p.ruleId, severity: p.severity, message: p.message, at: p.location?.[0]?.pointer ?? null }))),
);
