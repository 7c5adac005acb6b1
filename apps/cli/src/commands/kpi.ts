import type { Command } from 'commander';
import { DomainError, asOfInstant, attributionRule, type AttributionRule } from '@app/domain';
import { campaignKpis } from '@app/read-models';
import { usage, withRuntime } from '../cli-runtime';
import { output, table } from '../output';
import { progress } from '../progress';

/** `--as-of 2026-03-31` means the end of that bank day (BANK_TIME_ZONE); a full ISO time must carry its offset. */
export function asOfDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = asOfInstant(value);
  if (!d) throw usage(`--as-of is a date (YYYY-MM-DD) or an ISO time, not ${value}`);
  return d;
}

export function attributionOption(model: string | undefined, windowDays?: string, halfLifeDays?: string): AttributionRule | undefined {
  if (model === undefined) return undefined;
  try {
    return attributionRule(model, { windowDays: windowDays === undefined ? undefined : Number(windowDays), halfLifeDays: halfLifeDays === undefined ? undefined : Number(halfLifeDays) });
  } catch (err) {
    if (err instanceof DomainError) throw usage(err.message);
    throw err;
  }
}

const pct = (x: number | null) => (x === null ? null : `${(x * 100).toFixed(1)}%`);

/** `campaignctl kpi campaign <id|--all>`: campaign figures now or as of a date, under an attribution model. */
export function kpiCommand(program: Command): void {
  const kpi = program.command('kpi').description('campaign figures: funnel, conversions, revenue, cost, ROI, lift against control');
  kpi
    .command('campaign [campaignId]')
    .description('one campaign (or --all), now or as of a date, under an attribution model')
    .option('--all', 'every campaign')
    .option('--as-of <date>', 'figures as they stood at the end of this day (direct attribution: a query of the read model; other models: replayed into scratch tables, live read models untouched)')
    .option('--attribution <model>', 'direct (default), last-touch, first-touch, linear or time-decay')
    .option('--window-days <n>', 'contacts within this many days before a sale count (default 30)')
    .option('--half-life-days <n>', 'time-decay half-life (default 7)')
    .option('--json', 'print the full figures as JSON')
    .action(async (campaignId: string | undefined, o: { all?: boolean; asOf?: string; attribution?: string; windowDays?: string; halfLifeDays?: string; json?: boolean }) => {
      if (!campaignId === !o.all) throw usage('name a campaign, or --all');
      asOfDate(o.asOf); // refused before the runtime starts; the instant is cut once it has put BANK_TIME_ZONE in force
      const attribution = attributionOption(o.attribution, o.windowDays, o.halfLifeDays);
      const answer = await withRuntime(async (runtime) => {
        const asOf = asOfDate(o.asOf);
        const bar = attribution && attribution.model !== 'direct' ? progress('history', 0, 'events') : undefined;
        try {
          return await campaignKpis(runtime.db.pool, runtime.store, { asOf, attribution, campaignIds: campaignId ? [campaignId] : undefined, onProgress: (n) => bar?.update(n) });
        } finally {
          bar?.stop();
        }
      }, { readModels: 'up-to-date' });
      if (campaignId && answer.campaigns.length === 0) throw usage(`no campaign ${campaignId}${o.asOf ? ` as of ${o.asOf}` : ''}`);
      output(o.json, answer, (a) =>
        [
          `as of ${a.asOf ?? 'now'} · attribution ${a.attribution.model}${a.attribution.model === 'direct' ? '' : ` (window ${a.attribution.windowDays} d${a.attribution.model === 'time-decay' ? `, half-life ${a.attribution.halfLifeDays} d` : ''})`} · through ${a.through ?? 'an empty store'}`,
          table(
            ['campaign', 'status', 'treated', 'control', 'contacted', 'converted', 'conv. (attr.)', 'revenue (attr.)', 'cost', 'ROI', 'lift', '95% CI'],
            a.campaigns.map((c) => [
              c.campaignId, c.status, c.funnel.enrolled.treatment, c.funnel.enrolled.control, c.funnel.contacted, c.funnel.converted,
              c.attributed.conversions, c.attributed.revenue, c.cost, pct(c.attributed.roi), pct(c.lift.absolute),
              c.lift.confidenceInterval95 ? `${pct(c.lift.confidenceInterval95[0])} … ${pct(c.lift.confidenceInterval95[1])}` : null,
            ]),
          ),
          a.unattributed ? `not credited to any campaign: ${a.unattributed.conversions} sales, ${a.unattributed.revenue} CNY\n` : '',
        ].join('\n'),
      );
    });
}
