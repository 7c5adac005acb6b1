import type { Pool } from 'pg';
import { AttributionLedger, DEFAULT_ATTRIBUTION, formatFen, toFen, type AttributionModel, type AttributionRule } from '@app/domain';
import { formatPosition, type EventStore, type RecordedEvent } from '@app/event-store';
import { buildScratch } from '../as-of/scratch';
import { campaignEffectivenessProjection } from '../campaign-effectiveness/campaign-effectiveness.projection';
import { campaignEffectiveness, campaignIdsAsOf, campaignList, type CampaignEffectiveness } from '../campaign-effectiveness/campaign-effectiveness.query';
import { withReadModels, type Queryable } from '../runner/read-model-position';

export interface KpiQuestion {
  /** Figures as they stood at the end of this business instant; absent: now (the live read model). */
  readonly asOf?: Date;
  /** How conversions not tagged with a campaign are credited; default `direct`. */
  readonly attribution?: AttributionRule;
  /** Campaigns to answer for; absent: every campaign. */
  readonly campaignIds?: readonly string[];
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
  /** The store position the figures reflect. */
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
 * (the attribution ledger) while the history is read once — as of a date, into scratch tables up
 * to that business time, queried and dropped.
 */
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
  let through: string | null;
  if (question.asOf && rule.model === 'direct') {
    // The position the figures reflect is read in the answer's own snapshot.
    const answer = await withReadModels(pool, [campaignEffectivenessProjection.name], async (db) => {
      const found = await read(db, question.asOf);
      const { rows } = await db.query(`SELECT commit_pos::text AS c, prepare_pos::text AS p FROM projection_checkpoints WHERE name = $1`, [campaignEffectivenessProjection.name]);
      return { found, at: { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) } };
    });
    figures = answer.found;
    through = answer.at.commit === 0n && answer.at.prepare === 0n ? null : formatPosition(answer.at);
  } else if (question.asOf) {
    const scratch = await buildScratch(pool, store, [campaignEffectivenessProjection], { asOf: question.asOf, observe, onProgress: question.onProgress });
    try {
      figures = await scratch.query(read);
      through = scratch.through ? formatPosition(scratch.through) : null;
    } finally {
      await scratch.drop();
    }
  } else {
    if (rule.model !== 'direct') {
      const scan = await buildScratch(pool, store, [], { observe, onProgress: question.onProgress });
      await scan.drop();
    }
    figures = await withReadModels(pool, [campaignEffectivenessProjection.name], read);
    const head = await store.headPosition();
    through = head ? formatPosition(head) : null;
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
  return { asOf: question.asOf?.toISOString() ?? null, attribution: rule, through, campaigns, unattributed: scanned ? { conversions: Math.round(un.conversions * 1000) / 1000, revenue: un.revenue } : null };
}
