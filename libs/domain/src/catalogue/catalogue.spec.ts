import { UPCASTERS, upcastWith } from '../upcasters';
import { checkEventData, currentSchemaVersion } from './catalogue';

describe('the event catalogue', () => {
  const onboarded = { customerId: 'C-1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 };

  it('accepts data that fits its type at its version', () => {
    expect(checkEventData('CustomerOnboarded', 1, onboarded)).toBeNull();
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, birthYear: null })).toBeNull();
  });

  it('names the field and what fits there when the data does not', () => {
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, gender: null })).toEqual({ field: 'data.gender', expected: 'one of "F", "M", "U"' });
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, birthYear: '1980' })).toEqual({ field: 'data.birthYear', expected: 'number' });
    expect(checkEventData('ConversionRecorded', 1, { conversionId: 'x' })).toMatchObject({ field: 'data.customerId' });
  });

  it('refuses fields the type does not have', () => {
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, name: '张三' })).toEqual({ field: 'data', expected: 'no field "name"' });
  });

  it('refuses an unknown type and a version the catalogue does not have', () => {
    expect(checkEventData('CustomerTeleported', 1, {})).toMatchObject({ field: 'type' });
    expect(checkEventData('CustomerOnboarded', currentSchemaVersion('CustomerOnboarded') + 1, onboarded)).toMatchObject({ field: 'metadata.schemaVersion' });
    expect(checkEventData('CustomerOnboarded', 0, onboarded)).toMatchObject({ field: 'metadata.schemaVersion' });
  });

  it('checks money as decimal strings, not numbers', () => {
    const budget = { unitId: 'HO', year: 2026, amount: '1000.00' };
    expect(checkEventData('AnnualBudgetSet', 1, budget)).toBeNull();
    expect(checkEventData('AnnualBudgetSet', 1, { ...budget, amount: 1000 })).toEqual({ field: 'data.amount', expected: 'string' });
  });
});

describe('older versions of an event type', () => {
  it('checks a version 1 event against version 1, and lifts it to the current shape without its free text', () => {
    const v1 = { contactId: 'X1', customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId: null, outcome: 'called her husband Li Ming', contactedAt: '2026-03-01T01:00:00.000Z' };
    expect(currentSchemaVersion('CustomerContacted')).toBe(2);
    expect(checkEventData('CustomerContacted', 1, v1)).toBeNull();
    expect(checkEventData('CustomerContacted', 2, v1)).toMatchObject({ field: 'data.outcomeNote' });
    const lifted = upcastWith<{ type: string; data: unknown; metadata: { schemaVersion: number } }>(UPCASTERS)({ type: 'CustomerContacted', data: v1, metadata: { schemaVersion: 1 } });
    expect(lifted).toEqual({
      type: 'CustomerContacted',
      data: { contactId: 'X1', customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId: null, outcomeNote: null, contactedAt: '2026-03-01T01:00:00.000Z' },
      metadata: { schemaVersion: 2 },
    });
    expect(checkEventData('CustomerContacted', 2, lifted.data)).toBeNull();
  });

  it('reads a version 1 claim rejection without its reason (the reason may name people; version 2 names a vault note)', () => {
    const v1 = { customerId: 'C1', claimId: 'CL1', rejectedBy: 'head-br1', reason: 'already served by Wang Fang at SB2' };
    expect(currentSchemaVersion('CustomerClaimRejected')).toBe(2);
    expect(checkEventData('CustomerClaimRejected', 1, v1)).toBeNull();
    expect(checkEventData('CustomerClaimRejected', 2, v1)).toMatchObject({ field: 'data.reasonNote' });
    const lifted = upcastWith<{ type: string; data: unknown; metadata: { schemaVersion: number } }>(UPCASTERS)({ type: 'CustomerClaimRejected', data: v1, metadata: { schemaVersion: 1 } });
    expect(lifted.data).toEqual({ customerId: 'C1', claimId: 'CL1', rejectedBy: 'head-br1', reasonNote: null });
    expect(lifted.metadata.schemaVersion).toBe(2);
  });

  it('reads a version 1 submission, which named its plan by a free reference, as one with no uploaded document', () => {
    const v1 = { campaignId: 'K1', planDocumentRef: 'dms://plans/K1.pdf', submittedBy: 'mkt-br1' };
    expect(currentSchemaVersion('CampaignSubmitted')).toBe(2);
    expect(checkEventData('CampaignSubmitted', 1, v1)).toBeNull();
    expect(checkEventData('CampaignSubmitted', 2, v1)).toMatchObject({ field: 'data.planDocument' });
    const lifted = upcastWith<{ type: string; data: unknown; metadata: { schemaVersion: number } }>(UPCASTERS)({ type: 'CampaignSubmitted', data: v1, metadata: { schemaVersion: 1 } });
    expect(lifted.data).toEqual({ campaignId: 'K1', planDocument: null, planDocumentRef: 'dms://plans/K1.pdf', submittedBy: 'mkt-br1' });
    expect(checkEventData('CampaignSubmitted', 2, lifted.data)).toBeNull();
    // version 2 holds the document's hash, 64 hex digits, and nothing else passes for one
    const plan = { documentId: 'd1', sha256: 'ab'.repeat(32), fileName: 'plan.pdf', mediaType: 'application/pdf', size: 10 };
    expect(checkEventData('CampaignSubmitted', 2, { campaignId: 'K1', planDocument: plan, planDocumentRef: null, submittedBy: 'm' })).toBeNull();
    expect(checkEventData('CampaignSubmitted', 2, { campaignId: 'K1', planDocument: { ...plan, sha256: 'not-a-hash' }, planDocumentRef: null, submittedBy: 'm' })).toMatchObject({ field: 'data.planDocument.sha256' });
  });

  it('reads version 1 VIP card refusals and cancellations without their reasons', () => {
    const refused = { customerId: 'C1', applicationId: 'A1', refusedBy: 'admin', reason: 'her brother works here' };
    const cancelled = { customerId: 'C1', cardId: 'V1', special: false, reason: 'moved to Hangzhou', noNewCardBefore: '2027-03-10T10:00:00.000Z' };
    expect(checkEventData('VipCardApplicationRefused', 1, refused)).toBeNull();
    expect(checkEventData('VipCardCancelled', 1, cancelled)).toBeNull();
    const lift = (type: string, data: unknown) => upcastWith<{ type: string; data: unknown; metadata: { schemaVersion: number } }>(UPCASTERS)({ type, data, metadata: { schemaVersion: 1 } });
    expect(lift('VipCardApplicationRefused', refused)).toEqual({ type: 'VipCardApplicationRefused', data: { customerId: 'C1', applicationId: 'A1', refusedBy: 'admin', reasonNote: null }, metadata: { schemaVersion: 2 } });
    expect(lift('VipCardCancelled', cancelled).data).toEqual({ customerId: 'C1', cardId: 'V1', special: false, reasonNote: null, noNewCardBefore: '2027-03-10T10:00:00.000Z' });
  });

  it('reads version 1 points reversals and redemptions without their free text', () => {
    const reversed = { customerId: 'C1', transactionId: 'T1', points: 12, effectiveOn: '2026-03-02', reason: 'her son used the card' };
    const redeemed = { customerId: 'C1', redemptionId: 'R1', points: 30, description: 'sent to 88 Nanjing Road' };
    const lift = (type: string, data: unknown) => upcastWith<{ type: string; data: unknown; metadata: { schemaVersion: number } }>(UPCASTERS)({ type, data, metadata: { schemaVersion: 1 } }).data;
    expect(checkEventData('TransactionPointsReversed', 1, reversed)).toBeNull();
    expect(checkEventData('PointsRedeemed', 1, redeemed)).toBeNull();
    expect(lift('TransactionPointsReversed', reversed)).toEqual({ customerId: 'C1', transactionId: 'T1', points: 12, effectiveOn: '2026-03-02', reasonNote: null });
    expect(lift('PointsRedeemed', redeemed)).toEqual({ customerId: 'C1', redemptionId: 'R1', points: 30, descriptionNote: null });
  });

  it('leaves an event at the current version as it is', () => {
    const v2 = { type: 'ConversionReversed', data: { conversionId: 'V1', customerId: 'C1', reasonNote: 'reversal:V1:reason' }, metadata: { schemaVersion: 2 } };
    expect(upcastWith<typeof v2>(UPCASTERS)(v2)).toBe(v2);
  });
});
