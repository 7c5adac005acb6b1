import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';

/**
 * Requests waiting for someone above the requester to decide, and their outcome: campaigns
 * submitted for approval, special VIP card applications, budget change requests and customer
 * claims. Which unit decides is the domain's rule, applied when the inbox is read (the org tree
 * may change while a request waits); rows keep the facts an approver needs to decide.
 */
export type RequestKind = 'campaign' | 'special_vip_card' | 'budget_change' | 'customer_claim';

export interface InboxRow {
  kind: RequestKind;
  request_id: string;
  /** The unit whose superior decides: the campaign's owner, the requesting unit, the claimant's unit; null for special cards (head office). */
  unit_id: string | null;
  requested_by: string;
  requested_at: string;
  facts: Record<string, unknown>;
  status: 'pending' | 'approved' | 'rejected';
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

const TYPES = [
  'CampaignDrafted',
  'CampaignSubmitted',
  'CampaignApproved',
  'CampaignRejected',
  'VipCardApplied',
  'VipCardApplicationApproved',
  'VipCardApplicationRefused',
  'BudgetChangeRequested',
  'BudgetChangeApproved',
  'BudgetChangeRejected',
  'CustomerClaimFiled',
  'CustomerClaimApproved',
  'CustomerClaimRejected',
] as const;

type Data = Record<string, any>;
type Change = { kind: 'draft'; campaignId: string; facts: Data } | { kind: 'request'; row: InboxRow } | { kind: 'decision'; key: [RequestKind, string]; status: 'approved' | 'rejected'; by: string; at: string; reason: string | null };

/** The pure part: what one event does to the inbox. */
export function inboxChange(e: { type: string; data: Data; metadata: { actor: string; occurredAt: string } }): Change | null {
  const d = e.data;
  const at = e.metadata.occurredAt;
  const request = (kind: RequestKind, id: string, unit: string | null, by: string, facts: Data): Change => ({
    kind: 'request',
    row: { kind, request_id: id, unit_id: unit, requested_by: by, requested_at: at, facts, status: 'pending', decided_by: null, decided_at: null, reason: null },
  });
  const decided = (kind: RequestKind, id: string, status: 'approved' | 'rejected', by: string, reason: string | null = null): Change => ({ kind: 'decision', key: [kind, id], status, by, at, reason });
  switch (e.type) {
    case 'CampaignDrafted':
      return {
        kind: 'draft',
        campaignId: d.campaignId,
        facts: { name: d.name, objective: d.objective, ownerUnitId: d.ownerUnitId, productCodes: d.productCodes, channels: d.channels, budget: d.budget, period: d.period, controlGroupPercent: d.controlGroupPercent, targets: d.targets, audience: d.audience },
      };
    case 'CampaignSubmitted':
      // The owner and the plan come from the draft (filled in by the runner); the plan document from here.
      // Version 2 names the uploaded document (id, name, SHA-256); version 1 a free reference, as it was written.
      return request('campaign', d.campaignId, null, d.submittedBy, d.planDocument ? { planDocument: d.planDocument } : { planDocumentRef: d.planDocumentRef });
    case 'CampaignApproved':
      return decided('campaign', d.campaignId, 'approved', d.approvedBy);
    case 'CampaignRejected':
      return decided('campaign', d.campaignId, 'rejected', d.rejectedBy, d.reason);
    case 'VipCardApplied':
      return d.special ? request('special_vip_card', d.applicationId, null, e.metadata.actor, { customerId: d.customerId, tier: d.tier }) : null;
    case 'VipCardApplicationApproved':
      return d.special ? decided('special_vip_card', d.applicationId, 'approved', d.approvedBy) : null;
    case 'VipCardApplicationRefused':
      return decided('special_vip_card', d.applicationId, 'rejected', d.refusedBy); // the reason is a vault note
    case 'BudgetChangeRequested':
      return request('budget_change', d.requestId, d.unitId, d.requestedBy, { unitId: d.unitId, year: d.year, amount: d.amount, reason: d.reason });
    case 'BudgetChangeApproved':
      return decided('budget_change', d.requestId, 'approved', d.approvedBy);
    case 'BudgetChangeRejected':
      return decided('budget_change', d.requestId, 'rejected', d.rejectedBy, d.reason);
    case 'CustomerClaimFiled':
      return request('customer_claim', d.claimId, d.unitId, d.staffId, { customerId: d.customerId, claimantUnitId: d.unitId, onboarding: d.onboarding ?? null });
    case 'CustomerClaimApproved':
      return decided('customer_claim', d.claimId, 'approved', d.approvedBy);
    case 'CustomerClaimRejected':
      // The reason is a note in the customer's vault (it may name people): the inbox does not copy it.
      return decided('customer_claim', d.claimId, 'rejected', d.rejectedBy);
    default:
      return null;
  }
}

export const approvalInboxProjection: Projection = {
  name: 'approval-inbox',
  version: 2, // 2: a rejected claim's or refused special card's reason is no longer copied (it is a vault note)
  tables: [
    `CREATE TABLE ai_campaign_plans (campaign_id text PRIMARY KEY, facts jsonb NOT NULL)`,
    `CREATE TABLE ai_requests (
      kind text NOT NULL, request_id text NOT NULL, unit_id text, requested_by text NOT NULL, requested_at timestamptz NOT NULL,
      facts jsonb NOT NULL, status text NOT NULL, decided_by text, decided_at timestamptz, reason text,
      PRIMARY KEY (kind, request_id))`,
    `CREATE INDEX ai_requests_pending_idx ON ai_requests (status, kind)`,
    `CREATE INDEX ai_requests_requester_idx ON ai_requests (requested_by)`,
  ],
  eventTypes: TYPES,
  // Requests are few: one statement per change keeps it simple, and each is an idempotent upsert.
  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const e of events) {
      const change = inboxChange(e as unknown as Parameters<typeof inboxChange>[0]);
      if (!change) continue;
      if (change.kind === 'draft') {
        await tx.query(`INSERT INTO ai_campaign_plans VALUES ($1, $2) ON CONFLICT (campaign_id) DO UPDATE SET facts = EXCLUDED.facts`, [change.campaignId, change.facts]);
      } else if (change.kind === 'request') {
        const r = change.row;
        // A resubmitted campaign waits again: the row is reopened with the new submission.
        await tx.query(
          `INSERT INTO ai_requests (kind, request_id, unit_id, requested_by, requested_at, facts, status)
           SELECT $1::text, $2::text, coalesce($3::text, p.facts->>'ownerUnitId'), $4::text, $5::timestamptz, coalesce(p.facts, '{}') || $6::jsonb, 'pending'
           FROM (SELECT 1) one LEFT JOIN ai_campaign_plans p ON $1::text = 'campaign' AND p.campaign_id = $2::text
           ON CONFLICT (kind, request_id) DO UPDATE SET unit_id = EXCLUDED.unit_id, requested_by = EXCLUDED.requested_by, requested_at = EXCLUDED.requested_at,
             facts = EXCLUDED.facts, status = 'pending', decided_by = NULL, decided_at = NULL, reason = NULL`,
          [r.kind, r.request_id, r.unit_id, r.requested_by, r.requested_at, JSON.stringify(r.facts)],
        );
      } else {
        await tx.query(`UPDATE ai_requests SET status = $3, decided_by = $4, decided_at = $5, reason = $6 WHERE kind = $1 AND request_id = $2`, [...change.key, change.status, change.by, change.at, change.reason]);
      }
    }
  },
};
