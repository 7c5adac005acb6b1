import type { RecordedEvent } from '@app/event-store';
import { businessMonth } from '@app/domain';
import type { Projection } from '../runner/projection';
import { insertMany } from '../runner/sql';
import { data as d, occurredAt as at } from '../runner/event-fields';

/** The facts that count on a scorecard: an admin may date one in a closed month only as a correction. */
const SCORED = ['ConversionRecorded', 'ConversionReversed', 'CustomerContacted', 'OfferPresented', 'CrossSellReferred', 'ComplaintRecorded', 'ComplaintAnswered', 'OfferBlockedAsUnsuitable', 'CampaignCostRecorded'];

export const PERIOD_CORRECTIONS_TABLES = [
  `CREATE TABLE pc_corrections (
    event_id text PRIMARY KEY, type text NOT NULL, period text NOT NULL, staff_id text, customer_id text,
    corrected_by text NOT NULL, reason text NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL)`,
  `CREATE INDEX pc_corrections_staff_idx ON pc_corrections (staff_id, period)`,
];

const correction = (e: RecordedEvent) => (e.metadata as { correction?: unknown }).correction;

/**
 * Corrections: facts an admin recorded in a closed business month (metadata `correction`, with the
 * reason). The scorecard lists them beside the figures they changed (GET /api/scorecards/:staffId).
 */
export const periodCorrectionsProjection: Projection = {
  name: 'period-corrections',
  version: 1,
  tables: PERIOD_CORRECTIONS_TABLES,
  eventTypes: SCORED,
  apply: (tx, events) => {
    const rows = events.filter((e) => typeof correction(e) === 'string');
    return insertMany(
      tx,
      'pc_corrections',
      [['event_id', 'text'], ['type', 'text'], ['period', 'text'], ['staff_id', 'text'], ['customer_id', 'text'], ['corrected_by', 'text'], ['reason', 'text'], ['occurred_at', 'timestamptz'], ['recorded_at', 'timestamptz']],
      rows.map((e) => [e.metadata.eventId, e.type, businessMonth(at(e)), d(e).staffId ?? d(e).answeredBy ?? null, d(e).customerId ?? null, e.metadata.actor, correction(e) as string, at(e), e.recordedAt]),
      'ON CONFLICT (event_id) DO NOTHING',
    );
  },
};

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
