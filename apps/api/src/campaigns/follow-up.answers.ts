import { z } from 'zod';
import { fromReadModel } from '../openapi/answers';

/** Answers of the follow-up controller (GET /api/campaigns/{campaignId}/follow-up, GET /api/calendar). */

const count = z.number().int().min(0);
const yuan = z.string().describe('yuan, two decimals');
const instant = z.string().describe('ISO time in UTC');
const bankDay = z.string().describe("a bank day, YYYY-MM-DD in BANK_TIME_ZONE");

const reaction = z.object({
  feedback: count.describe('feedback lines recorded (with or without a rating)'),
  averageRating: z.number().nullable().describe('mean rating 1–5, two decimals; null when no feedback carried a rating (not 0)'),
  complaints: count.describe('complaints about the campaign\'s contacts (a customer who complains twice counts twice)'),
  complaintRate: z.number().nullable().describe('complaints ÷ customers contacted; may exceed 1; null when nobody was contacted'),
});

const check = z.object({
  month: z.string().describe('the bank month of the 旬, YYYY-MM'),
  dekad: z.union([z.literal(1), z.literal(2), z.literal(3)]).describe('1 上旬 (days 1–10), 2 中旬 (11–20), 3 下旬 (21 to the month\'s end), on the bank\'s calendar'),
  from: instant.describe('the window\'s start: the 旬\'s first bank midnight, or the period\'s start'),
  to: instant.describe('the window\'s end (exclusive): the next 旬\'s first bank midnight, or the period\'s end'),
  firstDay: bankDay,
  lastDay: bankDay.describe('the window\'s last bank day (today for the 旬 still running)'),
  at: instant.describe('when the check is made: the window\'s end, or now for the 旬 still running'),
  inProgress: z.boolean().describe('the 旬 still running: its figures so far'),
  elapsed: z.number().describe('share of the period gone at `at`, 4 decimals'),
  contactedInWindow: count.describe('every contact made in the window, re-contacts included (plan carried out?)'),
  planCarriedOut: z.boolean(),
  conversions: z.object({ actual: count.describe('since the period\'s start'), expected: z.number().nullable().describe('the target pro rata; null without a target'), onTrack: z.boolean().nullable() }),
  revenue: z.object({ actual: yuan, expected: yuan.nullable(), onTrack: z.boolean().nullable() }),
  reaction: reaction
    .extend({
      customersContacted: count.describe('distinct customers the campaign\'s staff contacted in the window'),
      complaintRate: z.number().nullable().describe('complaints raised in the window ÷ distinct customers contacted in the window (not the participants); may exceed 1; null when nobody was contacted in it'),
    })
    .describe('the customers\' reaction in this window alone, each fact by the bank day of its business time'),
});

/** GET /api/campaigns/{campaignId}/follow-up */
export const followUpAnswer = z.object({
  campaignId: z.string(),
  period: z.object({ start: instant, end: instant.describe('exclusive') }),
  targets: z.object({ conversions: z.number().nullable(), revenue: yuan.nullable() }),
  actuals: z.object({ conversions: count, revenue: yuan, cost: yuan, participants: count, contacted: count.describe('distinct customers contacted') }),
  checks: z.array(check).describe('one per 旬 of the bank calendar met by the period, up to now; the running one last (`inProgress`)'),
  reaction: reaction.describe('the whole campaign so far: complaint rate over the customers it contacted'),
  ...fromReadModel,
});

/** GET /api/calendar */
export const calendarAnswer = z.object({
  from: instant,
  to: instant,
  campaigns: z.array(
    z.object({
      campaignId: z.string(),
      name: z.string(),
      ownerUnitId: z.string(),
      status: z.string().describe('draft, submitted, approved, rejected, launched, completed, cancelled'),
      period: z.object({ start: instant, end: instant }),
      enrolled: count.describe('customers enrolled, both groups'),
    }),
  ),
  overlaps: z.array(z.object({ campaigns: z.tuple([z.string(), z.string()]), sharedCustomers: count.describe('customers enrolled in both (either group)') })),
  ...fromReadModel,
});
