import { checkEventData } from './catalogue';
import { LEGACY_FREE_TEXT, moveFreeTextToNote, withoutFreeText } from './legacy-free-text';

describe('free text that older versions kept in the log', () => {
  const contact = { contactId: 'X1', customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId: null, outcome: 'her husband Li Ming answered', contactedAt: '2026-03-31T15:59:00.000Z' };

  it('lists every version 1 that kept text about a customer: ten event types', () => {
    // contact outcome, feedback comment, claim rejection, card refusal, card cancellation,
    // points reversal, redemption description, sale reversal, complaint category, a customer's cost line: 10 in all.
    expect(LEGACY_FREE_TEXT.map((l) => `${l.type}.${l.field}`).sort()).toEqual(
      [
        'CampaignCostRecorded.description',
        'CampaignFeedbackRecorded.comment',
        'ComplaintRecorded.category',
        'ConversionReversed.reason',
        'CustomerClaimRejected.reason',
        'CustomerContacted.outcome',
        'PointsRedeemed.description',
        'TransactionPointsReversed.reason',
        'VipCardApplicationRefused.reason',
        'VipCardCancelled.reason',
      ].sort(),
    );
  });

  it('given a version 1 contact, when erasure rewrites it, then it is a valid version 2 naming no note, and the text is gone', () => {
    const after = withoutFreeText('CustomerContacted', 1, contact);
    expect(after.schemaVersion).toBe(2);
    expect(checkEventData('CustomerContacted', 2, after.data)).toBeNull();
    expect(JSON.stringify(after.data)).not.toContain('Li Ming');
    expect(after.data).toMatchObject({ outcomeNote: null, contactId: 'X1' });
  });

  it('given a version 1 contact, when imported, then the text goes to a note of the customer and the event names it', () => {
    const moved = moveFreeTextToNote('CustomerContacted', 1, contact, 'imported:e1');
    expect(moved!.note).toEqual({ customerId: 'C1', noteId: 'imported:e1', text: 'her husband Li Ming answered' });
    expect(moved!.data).toMatchObject({ outcomeNote: 'imported:e1' });
    expect(checkEventData('CustomerContacted', 2, moved!.data)).toBeNull();
    expect(JSON.stringify(moved!.data)).not.toContain('Li Ming');
  });

  it('keeps a comment about the campaign itself (no customer) in the event, where it is no personal data', () => {
    const aboutCampaign = { campaignId: 'K1', feedbackId: 'F1', customerId: null, rating: 4, comment: 'poster arrived late' };
    const moved = moveFreeTextToNote('CampaignFeedbackRecorded', 1, aboutCampaign, 'imported:e2');
    expect(moved!.note).toBeNull();
    expect(moved!.data).toMatchObject({ comment: 'poster arrived late', commentNote: null });
    // A customer's comment goes to their note, and the event's comment is emptied.
    const theirs = moveFreeTextToNote('CampaignFeedbackRecorded', 1, { ...aboutCampaign, customerId: 'C2', comment: 'call me at 138 0000 1111' }, 'imported:e3');
    expect(theirs!.note).toEqual({ customerId: 'C2', noteId: 'imported:e3', text: 'call me at 138 0000 1111' });
    expect(theirs!.data).toMatchObject({ comment: '', commentNote: 'imported:e3' });
  });

  it('leaves other events alone', () => {
    expect(moveFreeTextToNote('CustomerContacted', 2, { ...contact, outcome: undefined, outcomeNote: null }, 'n')).toBeNull();
    expect(() => withoutFreeText('CustomerOnboarded', 1, {})).toThrow(RangeError);
  });

  it('moves a version 1 complaint category that is free text to a note, and keeps one that is a code', () => {
    const complaint = { complaintId: 'Q1', customerId: 'C1', category: 'teller 刘强 was rude', contactId: null, staffId: null, campaignId: null, answerDueBy: '2026-04-30T15:59:59.000Z' };
    const moved = moveFreeTextToNote('ComplaintRecorded', 1, complaint, 'imported:e4');
    expect(moved!.note).toEqual({ customerId: 'C1', noteId: 'imported:e4', text: 'teller 刘强 was rude' });
    expect(moved!.data).toMatchObject({ category: 'other', descriptionNote: 'imported:e4' });
    expect(checkEventData('ComplaintRecorded', 2, moved!.data)).toBeNull();
    const coded = moveFreeTextToNote('ComplaintRecorded', 1, { ...complaint, category: 'too_many_calls' }, 'imported:e5');
    expect(coded!.note).toBeNull();
    expect(coded!.data).toMatchObject({ category: 'too_many_calls', descriptionNote: null });
  });
});
