import type { Queryable } from '../runner/read-model-position';
import { SPECIAL_CARD_SHARE } from '@app/domain';

export type ExceptionKind = 'card_without_application' | 'application_without_card' | 'tier_mismatch' | 'special_quota_exceeded' | 'complaint_overdue';

interface Found<K extends ExceptionKind, D> {
  readonly kind: K;
  readonly unitId: string | null;
  readonly customerId: string | null;
  readonly details: D;
}
/** One exception, with the details of its kind. */
export type SupervisionException =
  | Found<'card_without_application', { cardId: string }>
  | Found<'application_without_card', { applicationId: string; approvedAt: string }>
  | Found<'tier_mismatch', { cardId: string; cardTier: string; applicationTier: string }>
  | Found<'special_quota_exceeded', { holders: number; special: number; limit: number }>
  | Found<'complaint_overdue', { complaintId: string; category: string; staffId: string | null; campaignId: string | null; answerDueBy: string }>;

/**
 * The daily supervision report (004 篇九 第十五条): cards opened without an approved application,
 * approved applications with no card after `openDays`, card tier ≠ application tier (or ≠ the tier
 * the last annual review gave it: the review re-tiers cards on purpose),
 * sub-branches whose special-approval cards exceed 5% of their card holders, and complaints past
 * their deadline with no answer as of `now` (001 服务准则 4: answered within a deadline).
 */
export async function supervisionExceptions(pool: Queryable, now: Date, openDays = 30): Promise<SupervisionException[]> {
  const out: SupervisionException[] = [];
  const noApplication = await pool.query(
    `SELECT c.customer_id, c.card_id, c.unit_id FROM sv_cards c
     LEFT JOIN sv_applications a ON a.customer_id = c.customer_id AND a.application_id = c.application_id AND a.approved_at IS NOT NULL
     WHERE a.application_id IS NULL AND c.cancelled_at IS NULL ORDER BY c.customer_id`,
  );
  for (const r of noApplication.rows) out.push({ kind: 'card_without_application', unitId: r.unit_id, customerId: r.customer_id, details: { cardId: r.card_id } });
  const noCard = await pool.query(
    `SELECT a.customer_id, a.application_id, a.approved_at, k.unit_id FROM sv_applications a
     LEFT JOIN sv_customers k ON k.customer_id = a.customer_id
     WHERE a.approved_at IS NOT NULL AND a.approved_at < $1::timestamptz - make_interval(days => $2::int)
       AND NOT EXISTS (SELECT 1 FROM sv_cards c WHERE c.customer_id = a.customer_id AND c.application_id = a.application_id)
     ORDER BY a.customer_id`,
    [now.toISOString(), openDays],
  );
  for (const r of noCard.rows) {
    out.push({ kind: 'application_without_card', unitId: (r.unit_id as string | null) ?? null, customerId: r.customer_id, details: { applicationId: r.application_id, approvedAt: r.approved_at.toISOString() } });
  }
  const mismatch = await pool.query(
    `SELECT c.customer_id, c.card_id, c.unit_id, c.tier AS card_tier, a.tier AS application_tier FROM sv_cards c
     JOIN sv_applications a ON a.customer_id = c.customer_id AND a.application_id = c.application_id
     WHERE c.tier <> COALESCE(c.reviewed_tier, a.tier) AND c.cancelled_at IS NULL ORDER BY c.customer_id`,
  );
  for (const r of mismatch.rows) {
    out.push({ kind: 'tier_mismatch', unitId: r.unit_id, customerId: r.customer_id, details: { cardId: r.card_id, cardTier: r.card_tier, applicationTier: r.application_tier } });
  }
  const quota = await pool.query(
    `SELECT unit_id, count(*) AS holders, count(*) FILTER (WHERE special) AS special FROM sv_cards WHERE cancelled_at IS NULL GROUP BY unit_id
     HAVING count(*) FILTER (WHERE special) > $1::numeric * count(*) ORDER BY unit_id`,
    [SPECIAL_CARD_SHARE],
  );
  for (const r of quota.rows) {
    out.push({ kind: 'special_quota_exceeded', unitId: r.unit_id, customerId: null, details: { holders: Number(r.holders), special: Number(r.special), limit: SPECIAL_CARD_SHARE } });
  }
  const overdue = await pool.query(
    `SELECT c.customer_id, c.complaint_id, c.category, c.staff_id, c.campaign_id, c.answer_due_by, k.unit_id FROM sv_complaints c
     LEFT JOIN sv_customers k ON k.customer_id = c.customer_id
     WHERE c.answered_at IS NULL AND c.answer_due_by < $1::timestamptz ORDER BY c.answer_due_by, c.customer_id, c.complaint_id`,
    [now.toISOString()],
  );
  for (const r of overdue.rows) {
    out.push({
      kind: 'complaint_overdue',
      unitId: (r.unit_id as string | null) ?? null,
      customerId: r.customer_id,
      details: { complaintId: r.complaint_id, category: r.category, staffId: r.staff_id, campaignId: r.campaign_id, answerDueBy: (r.answer_due_by as Date).toISOString() },
    });
  }
  return out;
}
