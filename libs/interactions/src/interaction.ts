import { z } from 'zod';
import { COMPLAINT_CATEGORIES, PARTICIPATION_KINDS, type Role } from '@app/domain';
import { channel, id, money, occurredAt, text } from './fields';

/**
 * An interaction with a customer — contact, offer, answer, referral, sale, reversal, complaint,
 * taking part in a campaign —
 * as channels send it: the body of `POST /api/interactions` and the value of a
 * `channel.interactions` message alike. One schema, one translation into the customer's command.
 */
const common = { customerId: id, ...occurredAt };
export const interaction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('contact'), ...common, contactId: id.optional(), staffId: id, channel, outcome: text(100), campaignId: id.nullable().optional() }),
  z.strictObject({ kind: z.literal('offer'), ...common, offerId: id.optional(), staffId: id, productCode: id, campaignId: id.nullable().optional() }),
  z.strictObject({ kind: z.literal('offer-response'), ...common, offerId: id, accepted: z.boolean() }),
  z.strictObject({ kind: z.literal('referral'), ...common, referralId: id.optional(), referrerStaffId: id, sellerStaffId: id, productCode: id }),
  z.strictObject({
    kind: z.literal('conversion'),
    ...common,
    conversionId: id.optional(),
    staffId: id,
    productCode: id,
    amount: money,
    revenue: money,
    campaignId: id.nullable().optional(),
    referrerStaffId: id.nullable().optional(),
    referralId: id.nullable().optional(),
  }),
  z.strictObject({ kind: z.literal('reversal'), ...common, conversionId: id, reason: text(500) }),
  z.strictObject({
    kind: z.literal('complaint'),
    ...common,
    complaintId: id.optional(),
    /** A code, never free text (the log cannot forget); `other` needs a `description`. */
    category: z.enum(COMPLAINT_CATEGORIES),
    /** What the complaint is about, in the customer's or the manager's words: kept in the customer's vault, erased with them. */
    description: text(500).optional(),
    contactId: id.nullable().optional(),
    answerWithinDays: z.number().int().min(1).max(90).default(15),
  }),
  /** The customer took part in a campaign (reached, attended its event, used its service): they share its cost. */
  z.strictObject({ kind: z.literal('participation'), ...common, campaignId: id, how: z.enum(PARTICIPATION_KINDS) }),
]);
export type Interaction = z.infer<typeof interaction>;


/** Who may record interactions, on the API and through the channels alike. */
export const INTERACTION_RECORDERS: readonly Role[] = ['relationship_manager', 'branch_head', 'admin'];
