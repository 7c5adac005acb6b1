import type { RecordedEvent } from '@app/event-store';
import { businessMonth } from '@app/domain';
import { effectProjection, insert, type Effect, type TableShape } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';

/** The facts that count on a scorecard: an admin may date one in a closed month only as a correction. */
const SCORED = ['ConversionRecorded', 'ConversionReversed', 'CustomerContacted', 'OfferPresented', 'CrossSellReferred', 'ComplaintRecorded', 'ComplaintAnswered', 'OfferBlockedAsUnsuitable', 'CampaignCostRecorded'];

const fixed = (type: string) => ({ type, combine: 'keep' as const, notNull: true });
export const PC_CORRECTIONS: TableShape = {
  name: 'pc_corrections',
  key: ['event_id'],
  columns: {
    event_id: { type: 'text' },
    type: fixed('text'),
    period: fixed('text'),
    staff_id: { type: 'text', combine: 'keep' },
    customer_id: { type: 'text', combine: 'keep' },
    corrected_by: fixed('text'),
    reason: fixed('text'),
    occurred_at: fixed('timestamptz'),
    recorded_at: fixed('timestamptz'),
  },
  extra: [`CREATE INDEX pc_corrections_staff_idx ON pc_corrections (staff_id, period)`],
};

const correction = (e: RecordedEvent) => (e.metadata as { correction?: unknown }).correction;

/** A fact recorded in a closed month as a correction: one row, with its reason, under the month it changed. */
export function periodCorrectionEffects(e: RecordedEvent): Effect[] {
  const reason = correction(e);
  if (typeof reason !== 'string') return [];
  return [
    insert('pc_corrections', {
      event_id: e.metadata.eventId,
      type: e.type,
      period: businessMonth(at(e)),
      staff_id: d(e).staffId ?? d(e).answeredBy ?? null,
      customer_id: d(e).customerId ?? null,
      corrected_by: e.metadata.actor,
      reason,
      occurred_at: at(e),
      recorded_at: e.recordedAt,
    }),
  ];
}

/**
 * Corrections: facts an admin recorded in a closed business month (metadata `correction`, with the
 * reason). The scorecard lists them beside the figures they changed (GET /api/scorecards/:staffId).
 */
export const periodCorrectionsProjection = effectProjection({
  name: 'period-corrections',
  // 2: effects, written by the runner
  version: 2,
  tables: [PC_CORRECTIONS],
  eventTypes: SCORED,
  effects: periodCorrectionEffects,
});

/** One person's corrections in a month, oldest first. */
export async function periodCorrections(pool: { query: (sql: string, params: unknown[]) => Promise<{ rows: any[] }> }, staffId: string, period: string) {
  const { rows } = await pool.query(`SELECT event_id, type, customer_id, corrected_by, reason, occurred_at, recorded_at FROM pc_corrections WHERE staff_id = $1 AND period = $2 ORDER BY occurred_at, event_id`, [staffId, period]);
  return rows.map((r) => ({
    eventId: r.event_id as string,
    type: r.type as string,
    customerId: r.customer_id as string | null,
    correctedBy: r.corrected_by as string,
    reason: r.reason as string,
    occurredAt: (r.occurred_at as Date).toISOString(),
    recordedAt: (r.recorded_at as Date).toISOString(),
  }));
}
