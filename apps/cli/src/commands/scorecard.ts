import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MONTH_PATTERN } from '@app/domain';
import { InvalidRuleSet, parseRuleSet, scorecardAsOf, type RuleSet } from '@app/read-models';
import { usage, withRuntime } from '../cli-runtime';
import { output, table } from '../output';
import { progress } from '../progress';
import { asOfDate } from './kpi';

/** `campaignctl scorecard --period YYYY-MM`: staff and unit scorecards, live, as of a date, or under other scoring. */
export function scorecardCommand(program: Command): void {
  program
    .command('scorecard')
    .description('staff and unit scorecards for a month, rolled up the org tree: now, as of a date, or under other scoring rules')
    .requiredOption('--period <YYYY-MM>', 'the month')
    .option('--org <unitId>', 'this unit and below (default: the whole bank)')
    .option('--as-of <date>', 'figures as they stood at the end of this day (replayed on the side)')
    .option('--scoring <file>', 'a rule set (JSON/YAML) whose scoring part applies: referral split, penalties, product weights')
    .option('--limit <n>', 'people rows, best score first (default: all of them; the table shows the first 40)')
    .option('--offset <n>', 'people rows to skip first', '0')
    .option('--json', 'print everything as JSON')
    .action(async (o: { period: string; org?: string; asOf?: string; scoring?: string; limit?: string; offset: string; json?: boolean }) => {
      if (!MONTH_PATTERN.test(o.period)) throw usage('--period is a month, YYYY-MM');
      if (o.limit !== undefined && !(/^[1-9]\d*$/.test(o.limit) && Number.isSafeInteger(Number(o.limit)))) throw usage('--limit is a whole number, 1 or more');
      // A safe integer: 99999999999999999999 would pass the pattern and fail in the database as out of range.
      if (!(/^\d+$/.test(o.offset) && Number.isSafeInteger(Number(o.offset)))) throw usage('--offset is a whole number, 0 or more');
      const people = { limit: o.limit === undefined ? null : Number(o.limit), offset: Number(o.offset) };
      asOfDate(o.asOf); // refused before the runtime starts; the instant is cut once it has put BANK_TIME_ZONE in force
      let rules: RuleSet | undefined;
      if (o.scoring) {
        try {
          rules = parseRuleSet(readFileSync(o.scoring, 'utf8'), o.scoring);
        } catch (err) {
          if (err instanceof InvalidRuleSet || (err as NodeJS.ErrnoException).code === 'ENOENT') throw usage((err as Error).message);
          throw err;
        }
      }
      const answer = await withRuntime(async (runtime) => {
        const asOf = asOfDate(o.asOf);
        const bar = asOf || rules ? progress('history', 0, 'events') : undefined;
        try {
          return await scorecardAsOf(runtime.db.pool, runtime.store, { period: o.period, orgUnit: o.org, people, asOf, rules, onProgress: (n) => bar?.update(n) });
        } finally {
          bar?.stop();
        }
      }, { readModels: 'up-to-date' });
      if (o.org && answer.units.length === 0) throw usage(`no org unit ${o.org}`);
      output(o.json, answer, (a) =>
        [
          `${a.period}${a.orgUnit ? ` · ${a.orgUnit} and below` : ''} · as of ${a.asOf ?? 'now'} · referral share ${a.scoring.referralShare ?? 'as the bank set it'}`,
          table(['unit', 'points', 'score', 'target', 'attainment'], a.units.map((u) => [u.unitId, u.points, u.score, u.target ?? null, u.attainment === null ? null : `${(u.attainment * 100).toFixed(0)}%`])),
          `people ${a.peopleTotal === 0 ? 0 : people.offset + 1}–${people.offset + a.people.length} of ${a.peopleTotal}, best score first${a.people.length > 40 ? ' (the first 40 shown)' : ''}`,
          table(
            ['staff', 'unit', 'sales', 'revenue', 'points', 'shadow', 'complaints', 'score', 'rank'],
            a.people.slice(0, 40).map((p) => [p.staffId, p.unitId, p.conversions, p.revenue, p.points, p.shadowPoints, p.complaints, p.score, p.rankInUnit]),
          ),
        ].join('\n'),
      );
    });
}
