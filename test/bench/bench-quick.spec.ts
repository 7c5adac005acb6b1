import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `npm run bench -- --quick` runs end to end and writes a report of the right shape (timings are not judged here). */
describe('npm run bench -- --quick', () => {
  it('writes a JSON and a Markdown report with every section', () => {
    const main = join(__dirname, '../../dist/apps/cli/src/bench/bench.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` (npm test does it first)`);
    const out = mkdtempSync(join(tmpdir(), 'bench-report-'));
    try {
      const run = spawnSync(process.execPath, [main, '--quick', '--out', out], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, DATABASE_URL: '' } });
      expect(run.status).toBe(0);
      const files = readdirSync(out);
      expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
      expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(1);
      const report = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith('.json'))!), 'utf8'));
      // A finite number above zero (expect.any(Number) would take 0, -1 or NaN).
      const positive = { asymmetricMatch: (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0, toAsymmetricMatcher: () => 'a positive number' };
      expect(report).toMatchObject({
        quick: true,
        machine: { cpus: positive },
        append: { ceilingEventsPerSecond: positive, batch100: { eventsPerSecond: positive, fractionOfCeiling: positive }, batch1000: { eventsPerSecond: positive }, singleAppendMs: { p50: positive, p99: positive } },
        commands: { oneClient: { clients: 1, commandsPerSecond: positive }, sixteenClients: { clients: 16, commandsPerSecond: positive } },
        naiveBaseline: { projectorEventsPerSecond: positive, naiveEventsPerSecond: positive, ratio: positive },
        // Beside Emmett's PostgreSQL store in the same run, with the server's COPY ceiling and the import path.
        peer: {
          batch100: { ours: positive, emmett: positive, ceiling: positive, vsEmmett: positive, ofCeiling: positive },
          batch1000: { ours: positive, emmett: positive, ceiling: positive, vsEmmett: positive, ofCeiling: positive },
          singleAppendMs: { ours: { p50: positive }, emmett: { p50: positive } },
          readStreamMs: { events: positive, ours: { p50: positive }, emmett: { p50: positive } },
          import: { eventsPerSecond: positive, ofBatch1000: positive },
        },
      });
      // The audience preview before (every id into Node) and now (counted in the database), on customers built through the store.
      expect(report.audiencePreview).toHaveLength(1);
      for (const plan of ['everyCriterion', 'wholeBank']) {
        expect(report.audiencePreview[0][plan]).toMatchObject({ audienceSize: positive, beforeMs: { p50: positive, p95: positive }, nowMs: { p50: positive, p95: positive }, p95Speedup: positive });
      }
      expect(report.rebuild).toHaveLength(3);
      for (const r of report.rebuild) expect(r).toMatchObject({ events: positive, seconds: positive, eventsPerSecond: positive, peakRssMb: positive });
      expect(report.queries).toHaveLength(3);
      for (const q of report.queries) for (const k of ['campaignEffectiveness', 'campaignList', 'branchScorecard', 'customer360']) expect(q[k]).toMatchObject({ p50: positive, p95: positive });
      // The scorecards from counters beside the per-request recount, at each size.
      expect(report.scorecards).toHaveLength(3);
      for (const q of report.scorecards) for (const k of ['branch', 'branchRecounted', 'bank', 'bankRecounted']) expect(q[k]).toMatchObject({ p50: positive, p95: positive });
      expect(run.stdout).toContain('## Scorecards from counters beside the per-request recount');
      expect(run.stdout).toContain('# Benchmark (quick)');
      expect(run.stdout).toContain('## Beside Emmett');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 320_000); // about 120 s on an idle two-core machine; more when other suites run beside it
});
