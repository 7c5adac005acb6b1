import type { Command } from 'commander';
import { MONTH_PATTERN } from '@app/domain';
import { PROJECTIONS, readCheckpoints, waitForProjection } from '@app/read-models';
import { seedWithHandlers } from '@app/demo';
import { CliError, usage, withRuntime } from '../cli-runtime';
import { output, table } from '../output';
import { progress } from '../progress';

const whole = (name: string, value: string, min: number, max: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw usage(`${name} is a whole number from ${min} to ${max}`);
  return n;
};

/** Projector batches while seeding (PROJECTOR_BATCH_SIZE / PROJECTOR_MAX_WAIT_MS in the environment win). */
export const SEED_PROJECTOR = { PROJECTOR_BATCH_SIZE: '5000', PROJECTOR_MAX_WAIT_MS: '200' };

/** `campaignctl seed`: a demo history written through the command side. */
export function seedCommand(program: Command): void {
  program
    .command('seed')
    .description('write a realistic demo history through the command side (org tree, customers, balances, four campaigns with control groups, sales); needs an empty store')
    .option('--customers <n>', 'customers', '2000')
    .option('--months <n>', 'months of history, up to the current month', '6')
    .option('--seed <n>', 'random seed: the same seed gives the same history', '1')
    .option('--end <YYYY-MM>', 'the month the history runs up to (default: this month)')
    .option('--json', 'print the report as JSON')
    .action(async (o: { customers: string; months: string; seed: string; end?: string; json?: boolean }) => {
      const customers = whole('--customers', o.customers, 1, 5_000_000);
      const months = whole('--months', o.months, 1, 60);
      const seed = whole('--seed', o.seed, 0, 2 ** 31 - 1);
      if (o.end !== undefined && !MONTH_PATTERN.test(o.end)) throw usage('--end is a month, YYYY-MM');
      const report = await withRuntime(
        async (runtime) => {
          const bar = progress('seed', customers * (months + 1), 'customer-months');
          let r;
          try {
            r = await seedWithHandlers(runtime, { customers, months, seed, end: o.end }, (p) => bar.update(p.done, p.total, p.events));
          } finally {
            bar.stop();
          }
          process.stderr.write('read models catching up…\n');
          const caughtUpFrom = Date.now();
          const head = await runtime.store.headPosition();
          for (const p of PROJECTIONS) {
            if (!head || (await waitForProjection(runtime.db.pool, p.name, head, 60 * 60_000))) continue;
            const cp = (await readCheckpoints(runtime.db.pool)).find((c) => c.name === p.name);
            throw new CliError(`read model ${p.name} did not catch up with the seed${cp?.state === 'failed' ? `: it stopped (${JSON.stringify(cp.error)}); see GET /api/projections and the projector's log` : ' within an hour'}`);
          }
          // The pace that counts for a bank: until the read models show all of it.
          const catchUpSeconds = (Date.now() - caughtUpFrom) / 1000;
          return { ...r, readModels: { catchUpSeconds, eventsPerSecond: Math.round(r.events / (r.seconds + catchUpSeconds)) } };
        },
        // The projector on a thread of its own, in batches the size of the seed's appends (fewer, bigger statements).
        { projector: 'thread-if-free', defaults: SEED_PROJECTOR },
      );
      output(o.json, report, (r) =>
        [
          `seeded ${r.customers} customers over ${r.months} months (${r.from} to ${r.to}): ${r.events} events in ${r.seconds.toFixed(1)} s (${r.eventsPerSecond} events/s)`,
          `read models caught up ${r.readModels.catchUpSeconds.toFixed(1)} s later: ${r.readModels.eventsPerSecond} events/s with the read models`,
          `VIP (standard tier and above): ${r.vip.customers} customers, ${(r.vip.share * 100).toFixed(2)}% of customers holding ${(r.vip.assetShare * 100).toFixed(1)}% of assets`,
          '',
          table(['campaign', 'status', 'enrolled'], r.campaigns.map((c) => [c.campaignId, c.status, c.enrolled])),
          `refused by the rules: ${Object.entries(r.refusals).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
          '',
        ].join('\n'),
      );
    });
}
