/**
 * What a complaint is about, as a code: free text in the log could name people, and erasure cannot
 * reach the log. Drawn from the rules complaints test (DOMAIN.md; 001 服务准则 1, 2b, 4; 004 第二十五条
 * and the VIP card fee of 第十四、十五条). `other` needs a description, which goes to the customer's
 * vault as a note (`descriptionNote`), erased with them.
 */
export const COMPLAINT_CATEGORIES = [
  /** Contacted too often (the contact policy, 001 §contacts). */
  'too_many_calls',
  /** Contacted on a channel they opted out of (001 服务准则 1). */
  'unwanted_channel',
  /** Pressed to buy. */
  'pushy_sale',
  /** Offered or sold a product that did not suit them: mis-selling (001 服务准则 2b). */
  'wrong_product',
  /** How staff served them (004 第二十五条: service below standard). */
  'service_quality',
  /** Waiting, or slow handling. */
  'waiting_time',
  /** Fees and charges (e.g. the VIP card's account fee). */
  'fees',
  /** Use or disclosure of their personal data (001 服务准则 1). */
  'privacy',
  /** How a product they bought performed (e.g. fund losses). */
  'product_performance',
  /** Anything else: described in a vault note. */
  'other',
] as const;

export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export function isComplaintCategory(value: unknown): value is ComplaintCategory {
  return typeof value === 'string' && (COMPLAINT_CATEGORIES as readonly string[]).includes(value);
}
