import { z } from 'zod';
import type { EventType } from './event-types';
import { isComplaintCategory } from '../customer/complaint-categories';
import { isErasureReason } from '../customer/erasure-reasons';
import { channel, count, decimal, drawnFrom, id, points, text, time } from './fields';

/** A past version of an event type: its schema, and how its data becomes the next version's. */
export interface OlderVersion {
  readonly schema: z.ZodType;
  readonly upcast: (data: unknown) => unknown;
  /**
   * This version kept free text about the customer named in `data.customerId` in field `field`;
   * the next version names a vault note in `note` instead (erasure scrubs it, import moves it).
   */
  readonly freeText?: { readonly field: string; readonly note: string; readonly holdsText?: (data: unknown) => boolean };
}

/** Drops a free-text field that version 1 stored in the log and names no vault note instead. */
const textToNote = (field: string, note: string) => ({
  upcast: (data: unknown): unknown => {
    const { [field]: _text, ...rest } = data as Record<string, unknown>;
    return { ...rest, [note]: null };
  },
  freeText: { field, note },
});

/**
 * The versions before the current one, per event type (version number → schema and upcaster).
 * A type's current version is one more than its newest entry here; without an entry it is 1.
 *
 * Version 1 of these kept free text about the customer in the event, where erasure cannot reach
 * it; version 2 keeps it in the PII vault. Read, a version 1 event shows no text at all.
 */
export const OLDER_VERSIONS: Partial<Record<EventType, Readonly<Record<number, OlderVersion>>>> = {
  CustomerContacted: {
    1: {
      schema: z.strictObject({ contactId: id, customerId: id, staffId: id, channel, campaignId: id.nullable(), outcome: text, contactedAt: time }),
      ...textToNote('outcome', 'outcomeNote'),
    },
  },
  CampaignFeedbackRecorded: {
    1: {
      schema: z.strictObject({ campaignId: id, feedbackId: id, customerId: id.nullable(), rating: z.number().nullable(), comment: text }),
      // A customer's comment of version 1 is not shown; one about the campaign itself stays.
      upcast: (data) => {
        const d = data as { customerId: string | null; comment: string };
        return { ...d, comment: d.customerId === null ? d.comment : '', commentNote: null };
      },
      freeText: { field: 'comment', note: 'commentNote' },
    },
  },
  CampaignCostRecorded: {
    1: {
      schema: z.strictObject({ campaignId: id, costId: id, amount: decimal, customerId: id.nullable(), description: text }),
      // A customer's cost line of version 1 is read without its description; a campaign-level one keeps it.
      upcast: (data) => {
        const d = data as { customerId: string | null; description: string };
        return { ...d, description: d.customerId === null ? d.description : '', descriptionNote: null };
      },
      freeText: { field: 'description', note: 'descriptionNote' },
    },
  },
  CustomerClaimRejected: {
    1: { schema: z.strictObject({ customerId: id, claimId: id, rejectedBy: id, reason: text }), ...textToNote('reason', 'reasonNote') },
  },
  VipCardApplicationRefused: {
    1: { schema: z.strictObject({ customerId: id, applicationId: id, refusedBy: id, reason: text }), ...textToNote('reason', 'reasonNote') },
  },
  VipCardCancelled: {
    1: { schema: z.strictObject({ customerId: id, cardId: id, special: z.boolean(), reason: text, noNewCardBefore: time }), ...textToNote('reason', 'reasonNote') },
  },
  TransactionPointsReversed: {
    1: {
      schema: z.strictObject({ customerId: id, transactionId: id, points, pointsReversed: points.optional(), drawnFrom: drawnFrom.optional(), effectiveOn: time, reason: text }),
      ...textToNote('reason', 'reasonNote'),
    },
  },
  PointsRedeemed: {
    1: { schema: z.strictObject({ customerId: id, redemptionId: id, points: count, description: text, drawnFrom: drawnFrom.optional() }), ...textToNote('description', 'descriptionNote') },
  },
  ComplaintRecorded: {
    // Version 1 took any text as the category: a code stays, anything else is read as `other`
    // without its text (which erasure scrubs and import moves to a note).
    1: {
      schema: z.strictObject({ complaintId: id, customerId: id, category: id, contactId: id.nullable(), staffId: id.nullable(), campaignId: id.nullable(), answerDueBy: time }),
      upcast: (data) => {
        const d = data as { category: string };
        return { ...d, category: isComplaintCategory(d.category) ? d.category : 'other', descriptionNote: null };
      },
      freeText: { field: 'category', note: 'descriptionNote', holdsText: (data) => !isComplaintCategory((data as { category?: unknown }).category) },
    },
  },
  CampaignSubmitted: {
    1: {
      schema: z.strictObject({ campaignId: id, planDocumentRef: text, submittedBy: id }),
      // A free reference to the plan (a DMS path), with no hash of its bytes: kept as it was, no document.
      upcast: (data) => ({ ...(data as object), planDocument: null }),
    },
  },
  CustomerDataErased: {
    // Version 1 kept the erasure's reason as free text in the very event that outlives the erasure.
    // Read as the code it happens to be, else `other`, with no reference; the text is not shown.
    1: {
      schema: z.strictObject({ customerId: id, reason: text, erasedBy: id }),
      upcast: (data) => {
        const { reason, ...rest } = data as { customerId: string; reason: string; erasedBy: string };
        return { ...rest, reasonCode: isErasureReason(reason) ? reason : 'other', requestRef: null };
      },
    },
  },
  ConversionReversed: {
    1: { schema: z.strictObject({ conversionId: id, customerId: id, reason: text }), ...textToNote('reason', 'reasonNote') },
  },
};
