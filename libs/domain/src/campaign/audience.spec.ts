import { fold } from '../decider';
import { organisationDecider } from '../organisation/organisation.decider';
import { ORG, ORG_EVENTS } from '../testing/fixtures';
import { audienceSelection, checkAudienceRule, monthsBefore, type AudiencePlan, type CampaignWindow } from './audience';

const rule = { tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [] };
// 2026-03-31 23:30 in Shanghai (15:30 UTC): the bank's day is already the 31st, the year 2026.
const AT = '2026-03-31T15:30:00.000Z';
const plan = (over: Partial<AudiencePlan> = {}, audience: Partial<AudiencePlan['audience']> = {}): AudiencePlan => ({
  ownerUnitId: 'BR1',
  productCodes: ['FUND-BOND'],
  channels: ['phone'],
  audience: { ...rule, ...audience },
  period: { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' },
  ...over,
});
const campaign = (campaignId: string, status: string, periodStart: string, periodEnd: string): CampaignWindow => ({ campaignId, status, periodStart, periodEnd });

describe('an audience rule made concrete (DOMAIN.md, Campaigns: "A campaign has: objective, products, channel(s), audience rule …")', () => {
  it('draws from the owner\'s subtree, narrowed by the rule\'s units', () => {
    expect([...audienceSelection(plan(), null, ORG, [], AT).unitIds].sort()).toEqual(['BR1', 'OUT1', 'SB1', 'SB1B', 'WC']);
    expect([...audienceSelection(plan({}, { unitIds: ['SB1', 'SB2'] }), null, ORG, [], AT).unitIds].sort()).toEqual(['OUT1', 'SB1']);
  });

  it('counts campaign contacts against the cap over the 30 bank days ending with the day of the selection, as the decider does', () => {
    // 23:30 on 31 March, Shanghai: 2–31 March, from 00:00 on 2 March +08:00 (16:00Z on 1 March); contacts after the millisecond before count.
    expect(audienceSelection(plan({}, {}), null, ORG, [], AT).contactsSince).toBe('2026-03-01T15:59:59.999Z');
    // 00:30 on 1 April, Shanghai (16:30Z on 31 March): 3 March – 1 April.
    expect(audienceSelection(plan({}, {}), null, ORG, [], '2026-03-31T16:30:00.000Z').contactsSince).toBe('2026-03-02T15:59:59.999Z');
  });

  it('turns an age band into birth years in the bank\'s year: 30–45 on 2026-03-31 23:30 Shanghai is born 1981–1996', () => {
    // 2026 − 45 = 1981; 2026 − 30 = 1996.
    expect(audienceSelection(plan({}, { ageBand: { min: 30, max: 45 } }), null, ORG, [], AT)).toMatchObject({ birthYearFrom: 1981, birthYearTo: 1996 });
    // At 2025-12-31T16:30Z it is already 2026-01-01 00:30 in Shanghai: 2026 − 30 = 1996 again, not 1995.
    expect(audienceSelection(plan({}, { ageBand: { min: 30, max: null } }), null, ORG, [], '2025-12-31T16:30:00.000Z')).toMatchObject({ birthYearFrom: null, birthYearTo: 1996 });
  });

  it('dates dormancy from the bank day: 3 months before 2026-05-31 is the start of 2026-02-28 Shanghai (16:00 UTC the day before)', () => {
    expect(monthsBefore('2026-05-31T02:00:00.000Z', 3)).toBe('2026-02-27T16:00:00.000Z');
    expect(audienceSelection(plan({}, { dormantMonths: 6 }), null, ORG, [], AT).lastActiveBefore).toBe('2025-09-29T16:00:00.000Z');
  });

  it('asks for suitability only for risk-bearing products: FUND-EQ (R4) needs R4 or R5; a deposit needs no assessment', () => {
    expect(audienceSelection(plan({ productCodes: ['FUND-BOND', 'FUND-EQ'] }, { suitableOnly: true }), null, ORG, [], AT).suitableTolerances).toEqual(['R4', 'R5']);
    expect(audienceSelection(plan({ productCodes: ['DEP-1Y'] }, { suitableOnly: true }), null, ORG, [], AT).suitableTolerances).toBeNull();
    expect(audienceSelection(plan({ productCodes: ['FUND-EQ'] }), null, ORG, [], AT).suitableTolerances).toBeNull();
  });

  it('takes each unit\'s contact cap from the nearest policy at or above it', () => {
    const org = fold(organisationDecider, [...ORG_EVENTS, { type: 'ContactPolicySet', data: { unitId: 'SB1', policy: { maxCampaignContactsPer30Days: 5, maxContactsPerCampaignPer7Days: 1 } } }]);
    const caps = audienceSelection(plan({}, { excludeContactCapReached: true }), null, org, [], AT).contactCaps!;
    // OUT1 sits under SB1 and takes its 5; BR1 keeps the platform default 3.
    expect([caps.get('SB1'), caps.get('OUT1'), caps.get('BR1')]).toEqual([5, 5, 3]);
    expect(audienceSelection(plan(), null, org, [], AT).contactCaps).toBeNull();
  });

  it('holds out the control groups of other campaigns that still run, unless the plan includes them; overlap only when asked', () => {
    const campaigns = [
      campaign('RUNNING', 'launched', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'),
      campaign('OVER', 'launched', '2025-01-01T00:00:00.000Z', '2026-03-31T15:30:00.000Z'), // ended exactly at AT
      campaign('LATER', 'launched', '2026-06-01T00:00:00.000Z', '2026-09-01T00:00:00.000Z'), // starts when this one ends
      campaign('DONE', 'completed', '2026-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'),
      campaign('SELF', 'launched', '2026-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'),
    ];
    const s = audienceSelection(plan({}, { excludeOverlappingCampaigns: true }), 'SELF', ORG, campaigns, AT);
    expect(s.controlGroupsInForce).toEqual(['RUNNING', 'LATER']);
    expect(s.overlappingCampaigns).toEqual(['RUNNING']);
    expect(audienceSelection(plan({ includeOtherControlGroups: true }), 'SELF', ORG, campaigns, AT).controlGroupsInForce).toEqual([]);
  });

  it('refuses an age band upside down or a dormancy of no months', () => {
    expect(() => checkAudienceRule({ ...rule, ageBand: { min: 50, max: 40 } })).toThrow(expect.objectContaining({ code: 'INVALID_AGE_BAND' }));
    expect(() => checkAudienceRule({ ...rule, dormantMonths: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_DORMANCY' }));
    expect(() => checkAudienceRule({ ...rule, ageBand: { min: 18, max: null }, dormantMonths: 12 })).not.toThrow();
  });
});
