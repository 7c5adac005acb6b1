import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The layer rules of `.dependency-cruiser.js` (run by `npm run lint:deps`) must bite: each probe
 * below is one import the architecture forbids, written into the tree for the length of one
 * dependency-cruiser run. Weaken or drop a rule and its probe stops being reported.
 */
const root = join(__dirname, '..', '..');
const tag = `probe${process.pid}`;
const PROBES: { file: string; source: string; rule: string }[] = [
  { file: `apps/cli/src/${tag}.ts`, source: "import { createApi } from '../../api/src/bootstrap';", rule: 'apps-are-separate' },
  { file: `apps/ingest/src/${tag}.spec.ts`, source: "import { createApi } from '../../api/src/bootstrap';", rule: 'apps-are-separate' },
  { file: `libs/read-models/src/${tag}.int.spec.ts`, source: "import { createApi } from '../../../apps/api/src/bootstrap';", rule: 'libs-do-not-import-apps' },
  { file: `libs/event-store/src/${tag}.ts`, source: "import { DomainError } from '@app/domain';", rule: 'store-is-generic' },
  { file: `libs/event-store/src/${tag}.spec.ts`, source: "import { customerDecider } from '@app/domain';", rule: 'store-specs-are-generic' },
  { file: `libs/read-models/src/${tag}.ts`, source: "import { handleCommand } from '@app/application';", rule: 'use-cases-below-transports' },
  { file: `libs/application/src/${tag}.ts`, source: "import { seedDemo } from '@app/demo';", rule: 'application-is-not-the-demo' },
  { file: `libs/domain/src/${tag}.ts`, source: "import { Injectable } from '@nestjs/common';", rule: 'domain-is-pure' },
  { file: `apps/api/src/${tag}.ts`, source: "import { createTestDatabase } from '../../../test/support/test-database';", rule: 'production-code-does-not-import-tests' },
  { file: `libs/read-models/src/${tag}-app.int.spec.ts`, source: "import { startTestApp } from '../../../test/support/test-app';", rule: 'only-api-tests-start-the-api' },
  { file: `apps/ingest/src/${tag}-api.int.spec.ts`, source: "import { api } from '../../../test/support/api';", rule: 'only-api-tests-start-the-api' },
];

describe('dependency rules', () => {
  let reported: Map<string, Set<string>>;

  beforeAll(() => {
    for (const p of PROBES) writeFileSync(join(root, p.file), `${p.source}\nexport const used = [${p.source.match(/\{ (\w+) \}/)![1]}];\n`);
    try {
      let out: string;
      try {
        out = execFileSync(join(root, 'node_modules/.bin/depcruise'), [...PROBES.map((p) => p.file), '--config', '.dependency-cruiser.js', '--output-type', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
      } catch (err) {
        out = (err as { stdout: string }).stdout; // violations exit non-zero; the report is still on stdout
      }
      const result = JSON.parse(out) as { summary: { violations: { from: string; rule: { name: string } }[] } };
      reported = new Map();
      for (const v of result.summary.violations) reported.set(v.from, (reported.get(v.from) ?? new Set()).add(v.rule.name));
    } finally {
      for (const p of PROBES) rmSync(join(root, p.file), { force: true });
    }
  }, 120_000);

  it.each(PROBES)('$rule forbids $file importing: $source', ({ file, rule }) => {
    expect([...(reported.get(file) ?? [])]).toContain(rule);
  });
});
