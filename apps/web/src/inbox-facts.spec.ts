import { FACT_LABELS, factRows } from './inbox-facts';

const TZ = 'Asia/Shanghai';

describe('the inbox\'s facts, labelled', () => {
  it('labels a transfer\'s facts in Chinese by default order, never with the raw keys', () => {
    const rows = factRows({ customerId: 'C1', customerName: '王**', fromUnitId: 'SB1', fromStaffId: 'rm1', toUnitId: 'SB2', toStaffId: 'rm3', reason: '客户搬家' }, 'zh-CN', TZ);
    expect(rows.map((r) => `${r.label}: ${r.text}`)).toEqual(['客户: C1', '客户姓名: 王**', '移出机构: SB1', '原客户经理: rm1', '移入机构: SB2', '新客户经理: rm3', '申请理由: 客户搬家']);
  });

  it('writes a campaign\'s money in yuan, its period as bank days (midnight in Beijing is 16:00 UTC the day before; the end is the instant after the last day) and its channels in words, in English on the switch', () => {
    const facts = { name: 'K9', ownerUnitId: 'BR1', productCodes: ['FUND-BOND', 'DEP-1Y'], channels: ['phone', 'sms'], budget: '5000.00', period: { start: '2025-12-31T16:00:00.000Z', end: '2030-01-01T16:00:00.000Z' }, controlGroupPercent: 40, audience: { suitableOnly: true }, planDocument: { fileName: 'x.pdf' } };
    expect(factRows(facts, 'en', TZ).map((r) => [r.label, r.text])).toEqual([
      ['Name', 'K9'],
      ['Owning unit', 'BR1'],
      ['Products', 'FUND-BOND, DEP-1Y'],
      ['Channels', 'phone, SMS'],
      ['Budget', '¥5,000.00'],
      ['Period', '2026-01-01 – 2030-01-01'],
      ['Control group', '40%'],
    ]);
    expect(factRows(facts, 'zh-CN', TZ).find((r) => r.key === 'channels')!.text).toBe('电话、短信');
  });

  it('shows a claim\'s onboarding facts as facts of their own, a customer nobody managed as such, and a special card\'s tier in words', () => {
    expect(factRows({ customerId: 'NEW1', claimantUnitId: 'SB1', onboarding: { homeUnitId: 'SB1', segment: 'retail', gender: 'M', birthYear: 1975 } }, 'zh-CN', TZ).map((r) => r.label)).toEqual(['客户', '申领机构', '归属支行', '客户细分']);
    expect(factRows({ customerId: 'C1', fromStaffId: null, toStaffId: 'rm3' }, 'en', TZ).map((r) => r.text)).toEqual(['C1', 'none', 'rm3']);
    expect(factRows({ customerId: 'C1', tier: 'platinum' }, 'zh-CN', TZ).map((r) => r.text)).toEqual(['C1', '白金']);
  });

  it('has a label in both languages for every fact', () => {
    for (const [key, labels] of Object.entries(FACT_LABELS)) expect([key, labels['zh-CN'].length > 0, labels.en.length > 0]).toEqual([key, true, true]);
  });
});
