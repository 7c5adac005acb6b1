import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { attributionRule, type AttributionRule, type ScoringRules } from '@app/domain';

/**
 * A what-if rule set, as an analyst writes it (JSON or YAML): another attribution model,
 * other scorecard product weights, referral split and penalties, stricter contact-policy limits.
 * Everything is optional; what is left out stays as the history has it (the referral split and
 * penalties as the organisation had set them at each event).
 */
const schema = z.strictObject({
  attribution: z
    .union([z.string(), z.strictObject({ model: z.string(), windowDays: z.number().positive().max(365).optional(), halfLifeDays: z.number().positive().max(365).optional() })])
    .optional(),
  scoring: z
    .strictObject({
      referralShare: z.number().min(0).max(1).optional(),
      complaintPenalty: z.number().min(0).optional(),
      unsuitablePenalty: z.number().min(0).optional(),
      productWeights: z.record(z.string().min(1), z.number().min(0).max(1000)).optional(),
    })
    .optional(),
  contactPolicy: z
    .strictObject({
      maxCampaignContactsPer30Days: z.number().int().min(0).max(100).optional(),
      maxContactsPerCampaignPer7Days: z.number().int().min(0).max(100).optional(),
    })
    .optional(),
});

export interface RuleSet {
  readonly attribution: AttributionRule;
  /** The scoring rules it names, put over the organisation's settings in force at every event. */
  readonly scoring: Partial<ScoringRules>;
  /** Points per CNY of revenue, by product code, replacing the weights in the history. */
  readonly productWeights: Readonly<Record<string, number>>;
  /** Limits applied as a counterfactual filter: contacts beyond them did not happen, nor what they led to. */
  readonly contactPolicy: { readonly maxCampaignContactsPer30Days?: number; readonly maxContactsPerCampaignPer7Days?: number } | null;
}

export class InvalidRuleSet extends Error {
  override readonly name = 'InvalidRuleSet';
}

/** Parses and checks a rule set; a mistake is one clear line naming the field. */
export function parseRuleSet(text: string, source = 'rule set'): RuleSet {
  let raw: unknown;
  try {
    raw = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new InvalidRuleSet(`${source}: not valid ${source.endsWith('.json') ? 'JSON' : 'YAML/JSON'}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRuleSet(`${source}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const r = parsed.data;
  let attribution: AttributionRule;
  try {
    attribution = typeof r.attribution === 'string' ? attributionRule(r.attribution) : r.attribution ? attributionRule(r.attribution.model, r.attribution) : attributionRule('direct');
  } catch (err) {
    throw new InvalidRuleSet(`${source}: attribution: ${(err as Error).message}`);
  }
  const { productWeights = {}, ...named } = r.scoring ?? {};
  const scoring = Object.fromEntries(Object.entries(named).filter(([, v]) => v !== undefined)) as Partial<ScoringRules>;
  return { attribution, scoring, productWeights, contactPolicy: r.contactPolicy ?? null };
}
