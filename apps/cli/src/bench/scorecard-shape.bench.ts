#!/usr/bin/env node
/**
 * `npm run bench:scorecard-shape [-- --shapes 5x4,1000x600,8000x600] [-- --runs 20]`: the bank
 * scorecard's own work (JavaScript only) at an org's shape: a stub pool answers the query's three
 * statements with the rows of N staff in about U units (`bankOrg`: head office → branches →
 * sub-branches two levels deep, heads at the upper levels; 2% of people moved unit in the month,
 * scores with ties), and `scorecard` (rank by one sort, roll-up up each row's chain of parents) is timed
 * in turns with the same-run baseline `scorecardBefore` (rank by counting everyone, roll-up
 * units × rows). The two answers are checked equal first. Prints p50/p95 per variant and the CPU
 * seconds of this process each took (two runs of each first, not counted); no database.
 */
import { cpuUsage } from 'node:process';
import { personRow, scorecard, type PeopleReader, type Queryable } from '@app/read-models';
import { bankOrg } from '@app/demo';
import { percentiles, timed } from './percentiles';
import { scorecardBefore } from './scorecard-before';

interface Shape {
  readonly units: { unit_id: string; parent_id: string | null; name: string }[];
  readonly people: Record<string, unknown>[];
  readonly targets: { subject_id: string; points_hundredths: string }[];
}

/** `bankOrg`'s units and people (as the synthetic history's `--org` writes them), a row each with figures, and a second row for one person in fifty (moved in the month). */
export function bankShape(staff: number, unitCount: number, seed = 7): Shape {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  const org = bankOrg(staff, unitCount);
  const units: Shape['units'] = org.units.map((u) => ({ unit_id: u.unitId, parent_id: u.parentId, name: u.unitId }));
  const lowest = org.units.filter((u) => u.level === 'sub_branch_2').map((u) => u.unitId);
  const people: Record<string, unknown>[] = [];
  const row = (staffId: string, unitId: string) => {
    const points = Math.floor(rnd() * 40) * 2500; // 40 values: ties in every unit
    const penalties = rnd() < 0.1 ? 15000 : 0;
    const contacted = Math.floor(rnd() * 50);
    const assigned = Math.floor(rnd() * 120);
    people.push({
      staff_id: staffId, unit_id: unitId, display_name: staffId, role: 'relationship_manager',
      conversions: String(Math.floor(rnd() * 20)), referrals: String(Math.floor(rnd() * 3)), revenue_fen: String(Math.floor(rnd() * 5_000_000)),
      points: String(points), shadow: String(rnd() < 0.05 ? 5000 : 0), penalties: String(penalties),
      contacts: String(contacted * 2), complaints: String(rnd() < 0.05 ? 1 : 0), unsuitable: String(rnd() < 0.02 ? 1 : 0), customers_contacted: String(contacted),
      assigned: String(assigned), assigned_contacted: String(Math.min(assigned, contacted)), target: rnd() < 0.5 ? '500000' : null,
    });
  };
  org.staff.forEach((p, i) => {
    row(p.staffId, p.unitId);
    if (i % 50 === 1 && lowest.length) row(p.staffId, lowest[Math.floor(rnd() * lowest.length)]!);
  });
  // As the query orders them: by person, then unit.
  people.sort((a, b) => (a.staff_id as string).localeCompare(b.staff_id as string) || (a.unit_id as string).localeCompare(b.unit_id as string));
  const targets = units.filter((_, i) => i % 3 === 0).map((u) => ({ subject_id: u.unit_id, points_hundredths: '2000000' }));
  return { units, people, targets };
}

/** Answers the scorecard's statements (units, people, unit targets) from a shape, as `pg` would give them. */
export function stubPool(shape: Shape): Queryable {
  const query = async (sql: string) => {
    if (sql.includes('WITH RECURSIVE sub')) return { rows: shape.units };
    if (sql.includes('WITH who AS')) return { rows: shape.people };
    if (sql.includes('FROM sc_targets')) return { rows: shape.targets };
    throw new Error(`stub pool: unexpected statement ${sql.slice(0, 60)}`);
  };
  return { query } as unknown as Queryable;
}

const readBefore: PeopleReader = async (pool) => (await pool.query('WITH who AS (…)')).rows.map(personRow);

async function main() {
  const args = process.argv.slice(2);
  const shapes = (args.includes('--shapes') ? args[args.indexOf('--shapes') + 1]! : '5x4,1000x600,8000x600').split(',').map((x) => x.split('x').map(Number) as [number, number]);
  const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 20;
  const lines = ['| staff | units | rows | now p50 / p95 ms | now CPU s | baseline (main) p50 / p95 ms | baseline CPU s | p95 ratio |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const [staff, unitCount] of shapes) {
    const shape = bankShape(staff, unitCount);
    const pool = stubPool(shape);
    const now = await scorecard(pool, '2026-04');
    const before = await scorecardBefore(pool, '2026-04', undefined, readBefore);
    if (JSON.stringify(now) !== JSON.stringify(before)) throw new Error(`the answers differ at ${staff} staff in ${unitCount} units`);
    const t = { now: [] as number[], before: [] as number[] };
    const cpu = { now: 0, before: 0 };
    const time = async (which: 'now' | 'before', f: () => Promise<unknown>) => {
      // The baseline leaves much garbage: collected before each sample (with --expose-gc), not in the next one's time.
      (globalThis as { gc?: () => void }).gc?.();
      const c = cpuUsage();
      t[which].push((await timed(f))[1]);
      const d = cpuUsage(c);
      cpu[which] += (d.user + d.system) / 1e6;
    };
    // Two of each first, not counted: the compiler warms up on both alike.
    for (let i = 0; i < 2; i++) await Promise.all([scorecard(pool, '2026-04'), scorecardBefore(pool, '2026-04', undefined, readBefore)]);
    for (let i = 0; i < runs; i++) {
      await time('now', () => scorecard(pool, '2026-04'));
      await time('before', () => scorecardBefore(pool, '2026-04', undefined, readBefore));
    }
    const [n, b] = [percentiles(t.now), percentiles(t.before)];
    lines.push(`| ${staff} | ${shape.units.length} | ${shape.people.length} | ${n.p50} / ${n.p95} | ${cpu.now.toFixed(2)} | ${b.p50} / ${b.p95} | ${cpu.before.toFixed(2)} | ${Math.round((b.p95 / n.p95) * 10) / 10}× |`);
    process.stderr.write(`scorecard-shape: ${lines.at(-1)}\n`);
  }
  console.log([`## Bank scorecard, JavaScript only (stub pool), ${runs} runs each in turns`, '', ...lines].join('\n'));
}

if (require.main === module) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
