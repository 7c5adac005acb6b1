import type { AudienceRule, CampaignFacts, Channel } from '@app/domain';
import type { SeedOptions } from '../seed-types';

/** One of the demo's campaigns: its plan, when it runs, how well it sells, and how far it got. */
export interface PlannedCampaign {
  readonly campaignId: string;
  readonly name: string;
  readonly objective: string;
  readonly ownerUnitId: string;
  readonly marketer: string;
  readonly productCodes: string[];
  readonly channels: Channel[];
  readonly audience: AudienceRule;
  readonly budget: string;
  /** Indexes into the history's months; an `endMonth` past the last month leaves the campaign running. */
  readonly launchMonth: number;
  readonly endMonth: number;
  /** Monthly conversion chance of a treatment customer who was contacted; control converts at `base`. */
  readonly treated: number;
  readonly base: number;
  readonly targets: { conversions: number | null; revenue: string | null };
  /** The end of its period, once it is planned (the first of the month after `endMonth`). */
  periodEnd: string | null;
  /** An event customers come to (the lecture): a contacted customer who is not putting it off attends, and so takes part. */
  readonly attended?: boolean;
  enrolled: number;
  launched: boolean;
  completed: boolean;
}

const rule = (r: Partial<AudienceRule>): AudienceRule => ({ tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [], ...r });

/** What a customer command needs to know of the campaign it is part of. */
export const facts = (c: PlannedCampaign, status = 'launched'): CampaignFacts => ({
  campaignId: c.campaignId,
  status,
  channels: c.channels,
  productCodes: c.productCodes,
  periodEnd: c.periodEnd!,
  includeOtherControlGroups: false,
});

/** Launched and not yet completed: the campaigns whose customers are worked this month. */
export const running = (plans: readonly PlannedCampaign[]): PlannedCampaign[] => plans.filter((c) => c.launched && !c.completed);

/**
 * The four campaigns of the source documents (004), spread over the history: the women's day
 * lecture in March when the history has one, the e-banking drive still running at the end.
 */
export function planCampaigns(options: SeedOptions, months: readonly string[]): PlannedCampaign[] {
  const last = options.months - 1;
  const march = months.findIndex((m) => m.endsWith('-03'));
  const womensDay = march >= 0 ? march : Math.min(2, last);
  const middle = Math.floor(options.months / 2);
  return [
    {
      campaignId: 'K-DEPOSIT', name: '春季存款竞赛 Deposit drive', objective: 'grow time deposits; targets tied to pay (004)', ownerUnitId: 'BR-SH', marketer: 'mkt-sh',
      productCodes: ['DEP-1Y', 'DEP-3M'], channels: ['phone', 'sms'], audience: rule({ tiers: ['ordinary', 'standard'] }), budget: '300000.00',
      launchMonth: Math.min(1, last), endMonth: Math.min(3, last), treated: 0.085, base: 0.05, targets: { conversions: Math.round(options.customers * 0.02), revenue: null },
    },
    {
      campaignId: 'K-WOMEN', name: '三八妇女节健康讲座 Women’s day health lecture', objective: 'health lecture for female VIP customers (004)', ownerUnitId: 'BR-BJ', marketer: 'mkt-bj',
      productCodes: ['INS-LIFE', 'WM-R2'], channels: ['phone', 'branch'], audience: rule({ genders: ['F'], tiers: ['standard', 'platinum', 'black'] }), budget: '120000.00',
      launchMonth: womensDay, endMonth: womensDay, treated: 0.14, base: 0.07, targets: { conversions: null, revenue: null }, attended: true,
    },
    {
      campaignId: 'K-FUNDSWITCH', name: '基金转换：债券与黄金 Fund switch to bond and gold', objective: 'move customers with equity-fund losses to bond funds and gold (004)', ownerUnitId: 'BR-GZ', marketer: 'mkt-gz',
      productCodes: ['FUND-BOND', 'GOLD'], channels: ['phone', 'app'], audience: rule({ holdsAnyOf: ['FUND-EQ'] }), budget: '200000.00',
      launchMonth: middle, endMonth: Math.min(middle + 1, last), treated: 0.11, base: 0.06, targets: { conversions: null, revenue: null },
    },
    {
      campaignId: 'K-EBANK', name: '网银签约推广 E-banking sign-up drive', objective: 'sign customers up to e-banking (004: +53,000 customers, 74% sign-up)', ownerUnitId: 'BR-SH', marketer: 'mkt-sh',
      productCodes: ['EBANK'], channels: ['sms', 'app', 'branch'], audience: rule({ holdsNoneOf: ['EBANK'] }), budget: '150000.00',
      launchMonth: Math.max(0, options.months - 2), endMonth: options.months, treated: 0.3, base: 0.2, targets: { conversions: null, revenue: null },
    },
  ].map((c): PlannedCampaign => ({ ...c, channels: c.channels as Channel[], periodEnd: null, enrolled: 0, launched: false, completed: false }));
}
