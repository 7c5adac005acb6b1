import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { businessMonth, MONTH_PATTERN, startOfBusinessDay } from '@app/domain';
import { InvalidRuleSet, parseRuleSet, whatIf } from '@app/read-models';
import { usage, withRuntime } from '../cli-runtime';
import { output, table } from '../output';
import { progress } from '../progress';

const signed = (x: number | string) => (Number(x) > 0 ? `+${x}` : String(x));
const pct = (x: number | null) => (x === null ? null : `${(x * 100).toFixed(1)}%`);

/** `campaignctl whatif --rules FILE`: the whole history under another rule set, beside the live figures. */
export function whatifCommand(program: Command): void {
  program
    .command('whatif')
    .description('recompute the whole history under another rule set (attribution, product weights, referral split, penalties, contact limits) and show the differences')
    .requiredOption('--rules <file>', 'rule set, JSON or YAML (see README: What-if rule sets)')
    .option('--period <YYYY-MM>', 'month of the people comparison (default: last month)')
    .option('--json', 'print the comparison as JSON')
    .action(async (o: { rules: string; period?: string; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(o.rules, 'utf8');
      } catch (err) {
        throw usage(`cannot read ${o.rules}: ${(err as Error).message}`);
      }
      let rules;
      try {
        rules = parseRuleSet(text, o.rules);
      } catch (err) {
        if (err instanceof InvalidRuleSet) throw usage(err.message);
        throw err;
      }
      if (o.period !== undefined && !MONTH_PATTERN.test(o.period)) throw usage('--period is a month, YYYY-MM');
      const answer = await withRuntime(async (runtime) => {
        // Default: last month in the bank's calendar (the bank month of the instant before this one began), cut
        // once the runtime has put BANK_TIME_ZONE in force.
        const thisMonthStarted = startOfBusinessDay(`${businessMonth(new Date())}-01`);
        const period = o.period ?? businessMonth(new Date(Date.parse(thisMonthStarted) - 1));
        const bar = progress('history', 0, 'events');
        try {
          return await whatIf(runtime.db.pool, runtime.store, rules, period, (n) => bar.update(n));
        } finally {
          bar.stop();
        }
      }, { readModels: 'up-to-date' });
      output(o.json, answer, (a) =>
        [
          'Campaigns: live | what-if',
          table(
            ['campaign', 'conversions', '→', 'revenue', '→', 'ROI', '→', 'Δ revenue'],
            a.campaigns.map((c) => [c.campaignId, c.live.conversions, c.whatIf.conversions, c.live.revenue, c.whatIf.revenue, pct(c.live.roi), pct(c.whatIf.roi), signed(c.change.revenue)]),
          ),
          `People in ${a.period} whose figures change (${a.people.length}):`,
          table(
            ['staff', 'unit', 'points', '→', 'score', '→', 'rank', '→'],
            a.people.slice(0, 50).map((p) => [p.staffId, p.unitId, p.live.points, p.whatIf.points, p.live.score, p.whatIf.score, p.live.rankInUnit, p.whatIf.rankInUnit]),
          ),
          a.people.length > 50 ? `… and ${a.people.length - 50} more (--json for all)\n` : '',
          a.filteredOut ? `left out by the stricter contact policy: ${a.filteredOut} events\n` : '',
        ].join('\n'),
      );
    });
}
