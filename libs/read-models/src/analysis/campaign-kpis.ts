import type { Pool } from 'pg';
import { AttributionLedger, DEFAULT_ATTRIBUTION, formatFen, toFen, type AttributionModel, type AttributionRule } from '@app/domain';
import { formatPosition, type EventStore, type Position, type RecordedEvent } from '@app/event-store';
import { buildScratch } from '../as-of/scratch';
import { campaignEffectivenessProjection } from '../campaign-effectiveness/campaign-effectiveness.projection';
import { campaignEffectiveness, campaignIdsAsOf, campaignList, type CampaignEffectiveness } from '../campaign-effectiveness/campaign-effectiveness.query';
import { readModelPosition, withReadModels, type Queryable } from '../runner/read-model-position';

export interface KpiQuestion {
  /** Figures as they stood at the end of this business instant; absent: now (the live read model). */
  readonly asOf?: Date;
  /** How conversions not tagged with a campaign are credited; default `direct`. */
  readonly attribution?: AttributionRule;
  /** Campaigns to answer for; absent: every campaign. */
  readonly campaignIds?: readonly string[];
  /**
   * Replayed (as of a date under another model): read the history up to this position (default: the store's head
   * when the replay begins), which the answer's `through` then states: a cache keyed by a position it read first
   * gets the answer of exactly that position. Not used by an answer from the live read model (its position is the read model's).
   */
  readonly through?: Position | null;
  readonly onProgress?: (eventsRead: number) => void;
}

/** A campaign's figures under an attribution model (fractional conversions allowed). */
export interface AttributedFigures {
  readonly model: AttributionModel;
  readonly conversions: number;
  readonly revenue: string;
  readonly roi: number | null;
  readonly costPerConversion: string | null;
}

export interface KpiAnswer {
  readonly asOf: string | null;
  readonly attribution: AttributionRule;
  /**
   * The store position the figures reflect (null: nothing yet). From the read model (`direct`, or now
   * under any model): the position the projector had applied up to when the answer was read, which
   * may be behind the store's head; the attribution ledger reads the history up to it too. Replayed
   * (as of a date under another model): the head when the replay began.
   */
  readonly through: string | null;
  readonly campaigns: (CampaignEffectiveness & { readonly attributed: AttributedFigures })[];
  /** Sales no campaign is credited with under the model (null under `direct`, now or as of a date: the history is not read). */
  readonly unattributed: { conversions: number; revenue: string } | null;
}

const CUSTOMER_TYPES = new Set(['CustomerContacted', 'OfferPresented', 'ConversionRecorded', 'ConversionReversed']);

/**
 * Campaign effectiveness, as of any date and under any attribution model. `direct`, now or as of
 * a date: a query of the live read model (as of a date, over each campaign's dated facts; no
 * replay). Another model: the conversions are re-credited over each customer's campaign contacts
 * (the attribution ledger) while the history is read once — now, up to the position the live read
 * model reflects; as of a date, into scratch tables up to that business time, queried and dropped.
 */
/**
 * Whether the answer is replayed from the log into scratch tables (as of a date under a model other than
 * `direct`), up to the store's head, rather than read from the live read model (whose position it reflects).
 */
export const replaysHistory = (question: Pick<KpiQuestion, 'asOf' | 'attribution'>) => question.asOf !== undefined && (question.attribution ?? DEFAULT_ATTRIBUTION).model !== 'direct';

export async function campaignKpis(pool: Pool, store: EventStore, question: KpiQuestion = {}): Promise<KpiAnswer> {
  const rule = question.attribution ?? DEFAULT_ATTRIBUTION;
  const ledger = new AttributionLedger(rule);
  const observe = (e: RecordedEvent) => {
    if (CUSTOMER_TYPES.has(e.type)) ledger.apply({ type: e.type, data: e.data, occurredAt: e.metadata.occurredAt });
  };
  const read = async (db: Queryable, asOf?: Date) => {
    const ids = question.campaignIds ?? (asOf ? await campaignIdsAsOf(db, asOf) : (await campaignList(db)).map((c) => c.campaignId));
    const out: CampaignEffectiveness[] = [];
    for (const id of ids) {
      const figures = await campaignEffectiveness(db, id, asOf);
      if (figures) out.push(figures);
    }
    return out;
  };

  let figures: CampaignEffectiveness[];
  let through: Position | null;
  if (replaysHistory(question)) {
    const scratch = await buildScratch(pool, store, [campaignEffectivenessProjection], { asOf: question.asOf, through: question.through, observe, onProgress: question.onProgress });
    try {
      figures = await scratch.query(read);
      through = scratch.through;
    } finally {
      await scratch.drop();
    }
  } else {
    // The read model, with the position it reflects read in the answer's own snapshot: the figures
    // are the projector's at that position, however far behind the store's head it is.
    ({ figures, through } = await withReadModels(pool, [campaignEffectivenessProjection.name], async (db) => ({
      figures: await read(db, question.asOf),
      through: await readModelPosition(db, campaignEffectivenessProjection.name),
    })));
    // Now, under another model: the sales are credited over the history up to that same position, no further.
    if (rule.model !== 'direct' && through) {
      const scan = await buildScratch(pool, store, [], { through, observe, onProgress: question.onProgress });
      await scan.drop();
    }
  }

  const totals = ledger.totals();
  const campaigns = figures.map((f) => {
    const credited = rule.model === 'direct' ? { conversions: f.conversions, revenue: f.revenue } : (totals.get(f.campaignId) ?? { conversions: 0, revenue: '0.00' });
    const revenueFen = toFen(credited.revenue) ?? 0;
    const costFen = toFen(f.cost) ?? 0;
    return {
      ...f,
      attributed: {
        model: rule.model,
        conversions: Math.round(credited.conversions * 1000) / 1000,
        revenue: formatFen(revenueFen),
        roi: costFen > 0 ? Math.round(((revenueFen - costFen) / costFen) * 10_000) / 10_000 : null,
        costPerConversion: credited.conversions > 0 ? formatFen(Math.round(costFen / credited.conversions)) : null,
      },
    };
  });
  const un = ledger.unattributed;
  const scanned = rule.model !== 'direct';
  return { asOf: question.asOf?.toISOString() ?? null, attribution: rule, through: through ? formatPosition(through) : null, campaigns, unattributed: scanned ? { conversions: Math.round(un.conversions * 1000) / 1000, revenue: un.revenue } : null };
}
