import type { Pool } from 'pg';
import { formatPosition, type EventStore } from '@app/event-store';
import { buildScratch } from '../as-of/scratch';
import { readModelPosition, withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection, staffScorecardProjectionWith } from '../staff-scorecard/staff-scorecard.projection';
import { scorecard, type PeoplePage } from '../staff-scorecard/staff-scorecard.query';
import type { RuleSet } from './rule-set';
import { withWeight } from './what-if';

export interface ScorecardQuestion {
  readonly period: string;
  readonly orgUnit?: string;
  /** Which people rows (best score first); all of them when absent. */
  readonly people?: PeoplePage;
  /** Figures as they stood at the end of this business instant (scratch replay). */
  readonly asOf?: Date;
  /** Other scoring rules (referral split, penalties, product weights) over the organisation's settings: a replay too. */
  readonly rules?: RuleSet;
  readonly onProgress?: (read: number) => void;
}

/** Staff and unit scorecards for a month: live, as of a date, and/or under other scoring rules. */
export async function scorecardAsOf(pool: Pool, store: EventStore, q: ScorecardQuestion) {
  /** What the question changed of the scoring rules; the rest are the organisation's, as in force at each event. */
  const scoring = q.rules?.scoring ?? {};
  if (!q.asOf && !q.rules) {
    // The position the figures reflect is the read model's, read in their snapshot: not the store's head, which it may be behind.
    const { figures, at } = await withReadModels(pool, [staffScorecardProjection.name], async (db) => ({
      figures: await scorecard(db, q.period, q.orgUnit, q.people),
      at: await readModelPosition(db, staffScorecardProjection.name),
    }));
    return { period: q.period, orgUnit: q.orgUnit ?? null, asOf: null, scoring, through: at ? formatPosition(at) : null, ...figures };
  }
  const weights = q.rules?.productWeights ?? {};
  const scratch = await buildScratch(pool, store, [staffScorecardProjectionWith(scoring)], {
    asOf: q.asOf,
    transform: Object.keys(weights).length ? (batch) => batch.map((e) => withWeight(e, weights)) : undefined,
    onProgress: q.onProgress,
  });
  try {
    const figures = await scratch.query((db) => scorecard(db, q.period, q.orgUnit, q.people));
    return { period: q.period, orgUnit: q.orgUnit ?? null, asOf: q.asOf?.toISOString() ?? null, scoring, through: scratch.through ? formatPosition(scratch.through) : null, ...figures };
  } finally {
    await scratch.drop();
  }
}
