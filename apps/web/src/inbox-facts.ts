// The facts an approver decides on, labelled in the user's language (Chinese first): one table for
// every kind of request the inbox holds, so no raw key (`ownerUnitId`, `toStaffId`) reaches the screen.
import { bankDay, money } from './format';

export type FactsLocale = 'zh-CN' | 'en';

/** Every fact a request of any kind carries, with its label in each language. */
export const FACT_LABELS: Record<string, Record<FactsLocale, string>> = {
  // campaigns
  name: { 'zh-CN': '活动名称', en: 'Name' },
  objective: { 'zh-CN': '活动目标', en: 'Objective' },
  ownerUnitId: { 'zh-CN': '主办机构', en: 'Owning unit' },
  productCodes: { 'zh-CN': '产品', en: 'Products' },
  channels: { 'zh-CN': '渠道', en: 'Channels' },
  budget: { 'zh-CN': '预算', en: 'Budget' },
  period: { 'zh-CN': '活动期间', en: 'Period' },
  controlGroupPercent: { 'zh-CN': '对照组比例', en: 'Control group' },
  planDocumentRef: { 'zh-CN': '方案编号', en: 'Plan reference' },
  // special VIP cards, claims and transfers
  customerId: { 'zh-CN': '客户', en: 'Customer' },
  customerName: { 'zh-CN': '客户姓名', en: 'Customer name' },
  tier: { 'zh-CN': '申请等级', en: 'Tier applied for' },
  claimantUnitId: { 'zh-CN': '申领机构', en: 'Claimant\'s unit' },
  homeUnitId: { 'zh-CN': '归属支行', en: 'Home sub-branch' },
  segment: { 'zh-CN': '客户细分', en: 'Segment' },
  fromUnitId: { 'zh-CN': '移出机构', en: 'From unit' },
  fromStaffId: { 'zh-CN': '原客户经理', en: 'From manager' },
  toUnitId: { 'zh-CN': '移入机构', en: 'To unit' },
  toStaffId: { 'zh-CN': '新客户经理', en: 'To manager' },
  // budget changes
  unitId: { 'zh-CN': '申请机构', en: 'Requesting unit' },
  year: { 'zh-CN': '年度', en: 'Year' },
  amount: { 'zh-CN': '申请金额', en: 'Amount' },
  reason: { 'zh-CN': '申请理由', en: 'Reason' },
};

const CHANNELS: Record<string, Record<FactsLocale, string>> = {
  phone: { 'zh-CN': '电话', en: 'phone' },
  sms: { 'zh-CN': '短信', en: 'SMS' },
  app: { 'zh-CN': '手机银行', en: 'app' },
  branch: { 'zh-CN': '网点', en: 'branch' },
  email: { 'zh-CN': '邮件', en: 'email' },
};
const TIERS: Record<string, Record<FactsLocale, string>> = {
  ordinary: { 'zh-CN': '普通', en: 'ordinary' },
  standard: { 'zh-CN': '标准', en: 'standard' },
  platinum: { 'zh-CN': '白金', en: 'platinum' },
  black: { 'zh-CN': '黑金', en: 'black' },
};
const NONE: Record<FactsLocale, string> = { 'zh-CN': '无', en: 'none' };

export interface FactRow {
  readonly key: string;
  readonly label: string;
  readonly text: string;
}

/**
 * The facts of one request as labelled rows, in the table's order: money as yuan, dates as bank
 * days, channels and tiers in words. A claim's onboarding facts are shown as facts of their own;
 * the plan document (shown as a link), the audience rule and targets are left to their own places.
 */
export function factRows(facts: Record<string, unknown>, locale: FactsLocale, timeZone: string): FactRow[] {
  const flat: Record<string, unknown> = { ...facts, ...((facts.onboarding as Record<string, unknown> | null | undefined) ?? {}) };
  const rows: FactRow[] = [];
  for (const [key, labels] of Object.entries(FACT_LABELS)) {
    if (!(key in flat)) continue;
    const text = valueText(key, flat[key], locale, timeZone);
    if (text !== null) rows.push({ key, label: labels[locale], text });
  }
  return rows;
}

function valueText(key: string, value: unknown, locale: FactsLocale, timeZone: string): string | null {
  if (value === undefined) return null;
  if (value === null || value === '') return key === 'fromStaffId' ? NONE[locale] : null;
  switch (key) {
    case 'budget':
    case 'amount':
      return money(value as string);
    case 'controlGroupPercent':
      return `${String(value)}%`;
    case 'period': {
      const p = value as { start: string; end: string };
      // The end is the first instant after the period: its last day is the day before it.
      return `${bankDay(p.start, timeZone)} – ${bankDay(new Date(Date.parse(p.end) - 1).toISOString(), timeZone)}`;
    }
    case 'channels':
      return (value as string[]).map((c) => CHANNELS[c]?.[locale] ?? c).join(locale === 'en' ? ', ' : '、');
    case 'tier':
      return TIERS[value as string]?.[locale] ?? String(value);
    default:
      return Array.isArray(value) ? value.join(locale === 'en' ? ', ' : '、') : typeof value === 'object' ? null : String(value);
  }
}
