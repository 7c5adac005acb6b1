import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, update, type Effect } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { SUPERVISION_TABLES } from './supervision.tables';

/** What one event does to the supervision rows. */
export function supervisionEffects(e: RecordedEvent): Effect[] {
  const x = d(e);
  const application = { customer_id: x.customerId, application_id: x.applicationId };
  const card = { customer_id: x.customerId, card_id: x.cardId };
  const complaint = { customer_id: x.customerId, complaint_id: x.complaintId };
  switch (e.type) {
    case 'CustomerOnboarded':
      return [insert('sv_customers', { customer_id: x.customerId, unit_id: x.homeUnitId })];
    case 'CustomerTransferred':
      return [update('sv_customers', { customer_id: x.customerId, unit_id: x.toUnitId })];
    case 'VipCardApplied':
      return [insert('sv_applications', { ...application, tier: x.tier, special: x.special, applied_at: at(e) })];
    case 'VipCardApplicationApproved':
      return [update('sv_applications', { ...application, approved_at: at(e) })];
    case 'VipCardApplicationRefused':
      return [update('sv_applications', { ...application, refused: true })];
    case 'VipCardIssued':
      return [insert('sv_cards', { ...card, application_id: x.applicationId, tier: x.tier, special: x.special, unit_id: x.unitId, issued_at: at(e) })];
    // The tier an annual review gave the card is what it should have from then on (reviewed_tier);
    // any other change (no reason recorded) leaves the application's tier as the measure.
    case 'VipCardTierChanged':
      return [update('sv_cards', { ...card, tier: x.to, ...(x.reason === 'annual_review' ? { reviewed_tier: x.to } : {}) })];
    case 'VipCardCancelled':
      return [update('sv_cards', { ...card, cancelled_at: at(e) })];
    case 'ComplaintRecorded':
      return [insert('sv_complaints', { ...complaint, category: x.category, staff_id: x.staffId ?? null, campaign_id: x.campaignId ?? null, answer_due_by: x.answerDueBy })];
    case 'ComplaintAnswered':
      return [update('sv_complaints', { ...complaint, answered_at: at(e) })];
    default:
      return [];
  }
}

/**
 * VIP card applications and cards, as the daily supervision report reads them (开卡未申请/申请未开卡/级别不一致),
 * and complaints with their deadlines.
 */
export const supervisionProjection = effectProjection({
  name: 'supervision',
  // 5: effects, written by the runner; 6: event times to the millisecond (occurredAt)
  version: 6,
  tables: SUPERVISION_TABLES,
  eventTypes: [
    'CustomerOnboarded',
    'CustomerTransferred',
    'VipCardApplied',
    'VipCardApplicationApproved',
    'VipCardApplicationRefused',
    'VipCardIssued',
    'VipCardTierChanged',
    'ComplaintRecorded',
    'ComplaintAnswered',
    'VipCardCancelled',
  ],
  effects: supervisionEffects,
});
