import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, update, upsert, type ColumnShape, type Effect, type TableShape } from '../runner/effects';
import { occurredAt } from '../runner/event-fields';

/**
 * Requests waiting for someone above the requester to decide, and their outcome: campaigns
 * submitted for approval, special VIP card applications, budget change requests, customer
 * claims and cross-branch customer transfers. Which unit decides is the domain's rule, applied when the inbox is read (the org tree
 * may change while a request waits); rows keep the facts an approver needs to decide.
 */
export type RequestKind = 'campaign' | 'special_vip_card' | 'budget_change' | 'customer_claim' | 'transfer';

export interface InboxRow {
  kind: RequestKind;
  /** The request's id; a transfer's is the JSON pair `["customerId","requestId"]` (see `transferRowId`). */
  request_id: string;
  /** The unit whose superior decides: the campaign's owner, the requesting unit, the claimant's unit, a transfer's customer's unit (before it); null for special cards (head office). */
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
  'CustomerTransferRequested',
  'CustomerTransferRequestApproved',
  'CustomerTransferRequestRejected',
] as const;

type Data = Record<string, any>;
type Change = { kind: 'draft'; campaignId: string; facts: Data } | { kind: 'request'; row: InboxRow } | { kind: 'decision'; key: [RequestKind, string]; status: 'approved' | 'rejected'; by: string; at: string; reason: string | null };

/** The pure part: what one event does to the inbox. */
export function inboxChange(e: { type: string; data: Data; metadata: { actor: string; occurredAt: string } }): Change | null {
  const d = e.data;
  const at = occurredAt(e);
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
    case 'CustomerTransferRequested':
      // Who moves where, and the note holding the requester's reason (free text about a customer stays in the vault).
      // A request id is only unique in its customer's stream (older ones were chosen by the client): the row is the customer's.
      return request('transfer', transferRowId(d.customerId, d.requestId), d.fromUnitId, d.requestedBy, {
        customerId: d.customerId,
        requestId: d.requestId,
        fromUnitId: d.fromUnitId,
        fromStaffId: d.fromStaffId,
        toUnitId: d.toUnitId,
        toStaffId: d.toStaffId,
        reasonNote: d.reasonNote,
      });
    case 'CustomerTransferRequestApproved':
      return decided('transfer', transferRowId(d.customerId, d.requestId), 'approved', d.approvedBy);
    case 'CustomerTransferRequestRejected':
      // The reason is a vault note, as for claims: the row keeps the note's id (not its text); the inbox reads it for those who may see it.
      return decided('transfer', transferRowId(d.customerId, d.requestId), 'rejected', d.rejectedBy, d.reasonNote ?? null);
    default:
      return null;
  }
}

/**
 * The inbox row of a customer's transfer request: the JSON pair `["customerId","requestId"]` (the request id alone
 * may repeat across customers). A pair, not the two joined by a separator: ids may hold any character, and
 * customer `C1:TR` with request `X` must never meet customer `C1` with request `TR:X`.
 */
export const transferRowId = (customerId: string, requestId: string) => JSON.stringify([customerId, requestId]);

/** The plans of the campaigns a batch submits, read once per batch; drafts of the batch are added as they go by. */
export type InboxState = Map<string, Data>;

export async function loadInboxState(tx: PoolClient, events: readonly RecordedEvent[]): Promise<InboxState> {
  const ids = [...new Set(events.filter((e) => e.type === 'CampaignSubmitted').map((e) => (e.data as Data).campaignId as string))];
  const plans: InboxState = new Map();
  if (ids.length === 0) return plans;
  const { rows } = await tx.query<{ campaign_id: string; facts: Data }>(`SELECT campaign_id, facts FROM ai_campaign_plans WHERE campaign_id = ANY($1::text[])`, [ids]);
  for (const r of rows) plans.set(r.campaign_id, r.facts);
  return plans;
}

/**
 * What one event does to the inbox's rows: a draft keeps the plan; a request (re)opens its row,
 * a campaign's with the owner and the plan of its draft; a decision closes the row if there is one.
 */
export function inboxEffects(e: RecordedEvent, plans: InboxState): Effect[] {
  const change = inboxChange(e as unknown as Parameters<typeof inboxChange>[0]);
  if (!change) return [];
  switch (change.kind) {
    case 'draft':
      plans.set(change.campaignId, change.facts);
      return [upsert('ai_campaign_plans', { campaign_id: change.campaignId, facts: JSON.stringify(change.facts) })];
    case 'request': {
      const r = change.row;
      const plan = r.kind === 'campaign' ? plans.get(r.request_id) : undefined;
      // A resubmitted campaign waits again: the row is reopened with the new submission.
      return [upsert('ai_requests', { ...r, unit_id: r.unit_id ?? plan?.ownerUnitId ?? null, facts: JSON.stringify({ ...plan, ...r.facts }) })];
    }
    case 'decision': {
      const [kind, request_id] = change.key;
      return [update('ai_requests', { kind, request_id, status: change.status, decided_by: change.by, decided_at: change.at, reason: change.reason })];
    }
  }
}

const text: ColumnShape = { type: 'text', notNull: true };
const nullable: ColumnShape = { type: 'text' };
export const AI_CAMPAIGN_PLANS: TableShape = { name: 'ai_campaign_plans', key: ['campaign_id'], columns: { campaign_id: text, facts: { type: 'jsonb', notNull: true } } };
export const AI_REQUESTS: TableShape = {
  name: 'ai_requests',
  key: ['kind', 'request_id'],
  columns: {
    kind: text,
    request_id: text,
    unit_id: nullable,
    requested_by: text,
    requested_at: { type: 'timestamptz', notNull: true },
    facts: { type: 'jsonb', notNull: true },
    status: text,
    decided_by: nullable,
    decided_at: { type: 'timestamptz' },
    reason: nullable,
  },
  extra: [`CREATE INDEX ai_requests_pending_idx ON ai_requests (status, kind)`, `CREATE INDEX ai_requests_requester_idx ON ai_requests (requested_by)`],
};

export const approvalInboxProjection = effectProjection<InboxState>({
  name: 'approval-inbox',
  // 5: a transfer's row is its customer's (request_id `customerId:requestId`), its rejection's reason column the note id
  // 4: cross-branch transfer requests (3: effects, written by the runner; 2: a rejected claim's or refused special card's reason is no longer copied: it is a vault note)
  // 6: event times to the millisecond (occurredAt)
  // 7: a transfer's row id is the JSON pair [customerId, requestId] (joined by `:`, two different transfers could meet)
  version: 7,
  tables: [AI_CAMPAIGN_PLANS, AI_REQUESTS],
  eventTypes: TYPES,
  state: loadInboxState,
  effects: inboxEffects,
});
