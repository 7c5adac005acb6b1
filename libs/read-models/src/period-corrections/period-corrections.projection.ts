import type { RecordedEvent } from '@app/event-store';
import { businessMonth, correctionReasonCode } from '@app/domain';
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
    /** A sale's or a reversal's: a reversal is listed under the month and the people of the sale it undid. */
    conversion_id: { type: 'text', combine: 'keep' },
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
  const stored = correction(e);
  if (typeof stored !== 'string') return [];
  // Read as a code: a reason stored before the codes was free text (possibly about the customer).
  const reason = correctionReasonCode(stored);
  return [
    insert('pc_corrections', {
      event_id: e.metadata.eventId,
      type: e.type,
      period: businessMonth(at(e)),
      staff_id: d(e).staffId ?? d(e).answeredBy ?? null,
      customer_id: d(e).customerId ?? null,
      conversion_id: d(e).conversionId ?? null,
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
  // 2: effects, written by the runner; 3: conversion_id, so a reversal shows under its sale's month;
  // 4: the reason read as a code (legacy free text shows as its code, never as the text);
  // 5: a reference must have a letter prefix and no phone number (`other 13700001111` reads as `other`);
  // 6: event times to the millisecond (occurredAt)
  version: 6,
  dependsOnTimeZone: true, // each correction's business month
  tables: [PC_CORRECTIONS],
  eventTypes: SCORED,
  effects: periodCorrectionEffects,
});

/**
 * One person's corrections in a month, oldest first. A reversal is dated when it is made but takes
 * its sale's credits off the sale's month (issue 16, item 7a): an admin's reversal of a sale of a
 * closed month is listed under that month, for each person the sale credited (the scorecard's credits).
 */
export async function periodCorrections(pool: { query: (sql: string, params: unknown[]) => Promise<{ rows: any[] }> }, staffId: string, period: string) {
  const { rows } = await pool.query(
    `SELECT event_id, type, customer_id, corrected_by, reason, occurred_at, recorded_at FROM pc_corrections pc
      WHERE (pc.staff_id = $1 AND pc.period = $2)
         OR (pc.type = 'ConversionReversed' AND EXISTS (SELECT 1 FROM sc_credits c WHERE c.customer_id = pc.customer_id AND c.conversion_id = pc.conversion_id AND c.staff_id = $1 AND c.period = $2))
      ORDER BY occurred_at, event_id`,
    [staffId, period],
  );
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
