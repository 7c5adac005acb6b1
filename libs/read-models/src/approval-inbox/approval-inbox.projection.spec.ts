import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { approvalInboxProjection, type InboxState } from './approval-inbox.projection';

const event = (type: string, data: Record<string, unknown>, occurredAt: string, actor = 'u-actor') => ({ type, data, metadata: { actor, occurredAt } }) as unknown as RecordedEvent;
/** Given the plans already stored, when these events (in log order) are folded, the rows of `table` the batch will write. */
const when = (plans: InboxState, events: RecordedEvent[], table: string) =>
  foldEffects(approvalInboxProjection.definition, events, plans)
    .rows(table)
    .map((r) => (r.insert ? { ...r.insert, ...r.change } : { ...r.key, ...r.change }));

const drafted = event(
  'CampaignDrafted',
  { campaignId: 'K', name: 'Deposit spring', ownerUnitId: 'SB1', productCodes: ['DEP'], channels: ['sms'], budget: '5000.00', period: { start: 's', end: 'e' }, controlGroupPercent: 10 },
  '2026-03-20T01:00:00.000Z',
);

describe('the approval inbox as effects', () => {
  it('given a draft, a submission rejected, then resubmitted: one pending row under the owner, with the plan and the second submission only', () => {
    const rows = when(new Map(), [
      drafted,
      event('CampaignSubmitted', { campaignId: 'K', submittedBy: 'u-rm', planDocument: { id: 'D1', name: 'plan.pdf', sha256: 'ab' } }, '2026-03-20T02:00:00.000Z'),
      event('CampaignRejected', { campaignId: 'K', rejectedBy: 'u-head', reason: 'budget too high' }, '2026-03-21T02:00:00.000Z'),
      event('CampaignSubmitted', { campaignId: 'K', submittedBy: 'u-rm2', planDocumentRef: 'PLAN-7' }, '2026-03-22T02:00:00.000Z'),
    ], 'ai_requests');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect([row.kind, row.request_id, row.unit_id, row.requested_by, row.requested_at, row.status, row.decided_by, row.decided_at, row.reason]).toEqual([
      'campaign', 'K', 'SB1', 'u-rm2', '2026-03-22T02:00:00.000Z', 'pending', null, null, null,
    ]);
    // The plan's facts, and the version-1 reference of the second submission (not the first one's document).
    expect(JSON.parse(row.facts as string)).toEqual({ name: 'Deposit spring', ownerUnitId: 'SB1', productCodes: ['DEP'], channels: ['sms'], budget: '5000.00', period: { start: 's', end: 'e' }, controlGroupPercent: 10, planDocumentRef: 'PLAN-7' });
  });

  it('given a plan stored in an earlier batch, a submission takes its owner; a decision then closes the row', () => {
    const plans: InboxState = new Map([['K', { ownerUnitId: 'SB9', name: 'Earlier' }]]);
    const rows = when(plans, [
      event('CampaignSubmitted', { campaignId: 'K', submittedBy: 'u-rm', planDocumentRef: 'P' }, '2026-03-20T02:00:00.000Z'),
      event('CampaignApproved', { campaignId: 'K', approvedBy: 'u-head' }, '2026-03-20T03:00:00.000Z'),
    ], 'ai_requests');
    expect([rows[0]!.unit_id, rows[0]!.status, rows[0]!.decided_by, rows[0]!.decided_at, JSON.parse(rows[0]!.facts as string)]).toEqual(['SB9', 'approved', 'u-head', '2026-03-20T03:00:00.000Z', { ownerUnitId: 'SB9', name: 'Earlier', planDocumentRef: 'P' }]);
  });

  it('given a claim rejected with a reason, does not copy the reason (a vault note), and a decision on an unseen request only updates', () => {
    const rows = when(new Map(), [
      event('CustomerClaimFiled', { claimId: 'CL1', unitId: 'SB2', staffId: 'rm2', customerId: 'C1' }, '2026-03-31T15:30:00.000Z'),
      event('CustomerClaimRejected', { claimId: 'CL1', rejectedBy: 'u-head', reason: 'named someone' }, '2026-03-31T16:30:00.000Z'),
      event('BudgetChangeApproved', { requestId: 'R9', approvedBy: 'u-head' }, '2026-04-01T00:00:00.000Z'),
    ], 'ai_requests');
    expect(rows.map((r) => [r.kind, r.request_id, r.unit_id ?? null, r.status, r.reason])).toEqual([
      ['customer_claim', 'CL1', 'SB2', 'rejected', null],
      ['budget_change', 'R9', null, 'approved', null],
    ]);
    // R9 was never requested here: it is an update only (no row to insert).
    expect(foldEffects(approvalInboxProjection.definition, [event('BudgetChangeApproved', { requestId: 'R9', approvedBy: 'u-head' }, '2026-04-01T00:00:00.000Z')], new Map()).rows('ai_requests')[0]!.insert).toBeNull();
  });

  it('given a cross-branch transfer requested, one rejected and another approved: transfer rows under the customer\'s unit, with who moves where and the reason\'s note, never its text', () => {
    const requested = (requestId: string, customerId: string, at: string) =>
      event(
        'CustomerTransferRequested',
        { customerId, requestId, fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', requestedBy: 'rm1', reasonNote: `transfer-request:${requestId}:reason` },
        at,
      );
    const rows = when(new Map(), [
      // 23:30 in Beijing on 31 March is 15:30 UTC: the row keeps the instant as written
      requested('TR1', 'C1', '2026-03-31T15:30:00.000Z'),
      requested('TR2', 'C2', '2026-03-31T16:10:00.000Z'),
      event('CustomerTransferRequestRejected', { customerId: 'C1', requestId: 'TR1', rejectedBy: 'appr-ho', reasonNote: 'transfer-request:TR1:rejection' }, '2026-04-01T02:00:00.000Z'),
      event('CustomerTransferRequestApproved', { customerId: 'C2', requestId: 'TR2', approvedBy: 'appr-ho' }, '2026-04-01T03:00:00.000Z'),
      // the transfer that follows an approval is no request of its own
      event('CustomerTransferred', { customerId: 'C2', fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', crossBranch: true }, '2026-04-01T03:00:00.000Z'),
    ], 'ai_requests');
    expect(rows.map((r) => [r.kind, r.request_id, r.unit_id, r.requested_by, r.requested_at, r.status, r.decided_by, r.decided_at, r.reason])).toEqual([
      // a rejection's reason column names the note holding it (read from the vault for those who may see it)
      ['transfer', '["C1","TR1"]', 'SB1', 'rm1', '2026-03-31T15:30:00.000Z', 'rejected', 'appr-ho', '2026-04-01T02:00:00.000Z', 'transfer-request:TR1:rejection'],
      ['transfer', '["C2","TR2"]', 'SB1', 'rm1', '2026-03-31T16:10:00.000Z', 'approved', 'appr-ho', '2026-04-01T03:00:00.000Z', null],
    ]);
    expect(JSON.parse(rows[0]!.facts as string)).toEqual({ customerId: 'C1', requestId: 'TR1', fromUnitId: 'SB1', fromStaffId: 'rm1', toUnitId: 'SB2', toStaffId: 'rm3', reasonNote: 'transfer-request:TR1:reason' });
  });

  it('given two customers whose requests share an id (TR-1, chosen by clients before the server named them): two rows, each decided on its own', () => {
    const requested = (customerId: string, fromUnitId: string, at: string) =>
      event(
        'CustomerTransferRequested',
        { customerId, requestId: 'TR-1', fromUnitId, toUnitId: 'SB2', fromStaffId: `rm-${customerId}`, toStaffId: 'rm3', requestedBy: `rm-${customerId}`, reasonNote: 'transfer-request:TR-1:reason' },
        at,
      );
    const rows = when(new Map(), [
      requested('C1', 'SB1', '2026-03-31T15:59:00.000Z'),
      requested('C7', 'SB1B', '2026-03-31T16:01:00.000Z'),
      // head office rejects C7's: C1's still waits
      event('CustomerTransferRequestRejected', { customerId: 'C7', requestId: 'TR-1', rejectedBy: 'appr-ho', reasonNote: 'transfer-request:TR-1:rejection:x' }, '2026-04-01T02:00:00.000Z'),
    ], 'ai_requests');
    expect(rows.map((r) => [r.request_id, r.unit_id, r.requested_by, r.status, r.decided_by])).toEqual([
      ['["C1","TR-1"]', 'SB1', 'rm-C1', 'pending', null],
      ['["C7","TR-1"]', 'SB1B', 'rm-C7', 'rejected', 'appr-ho'],
    ]);
  });

  it('given ids holding a colon (customer C1:TR with request X, customer C1 with request TR:X): two rows that never meet, each decided on its own', () => {
    const requested = (customerId: string, requestId: string, at: string) =>
      event(
        'CustomerTransferRequested',
        { customerId, requestId, fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', requestedBy: 'rm1', reasonNote: `transfer-request:${requestId}:reason` },
        at,
      );
    const rows = when(new Map(), [
      requested('C1:TR', 'X', '2026-03-31T15:59:59.999Z'),
      requested('C1', 'TR:X', '2026-03-31T16:00:00.000Z'),
      // approving the second must leave the first waiting
      event('CustomerTransferRequestApproved', { customerId: 'C1', requestId: 'TR:X', approvedBy: 'appr-ho' }, '2026-04-01T02:00:00.000Z'),
    ], 'ai_requests');
    expect(rows.map((r) => [r.request_id, r.status, r.decided_by])).toEqual([
      ['["C1:TR","X"]', 'pending', null],
      ['["C1","TR:X"]', 'approved', 'appr-ho'],
    ]);
  });

  it('is version 7: transfer rows keyed by customer and request (5, as a JSON pair since 7), event times to the millisecond (6), so the inbox is rebuilt', () => {
    expect(approvalInboxProjection.version).toBe(7);
  });
});
