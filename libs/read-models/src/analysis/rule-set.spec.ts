import { parseRuleSet } from './rule-set';

describe('what-if rule sets', () => {
  it('reads YAML and JSON, naming only the rules it changes (the rest stay as the organisation set them)', () => {
    const r = parseRuleSet('attribution:\n  model: time-decay\n  halfLifeDays: 3\nscoring:\n  referralShare: 0.3\n  productWeights:\n    GOLD: 2\n', 'r.yaml');
    expect(r.attribution).toEqual({ model: 'time-decay', windowDays: 30, halfLifeDays: 3 });
    expect(r.scoring).toEqual({ referralShare: 0.3 });
    expect(r.productWeights).toEqual({ GOLD: 2 });
    expect(r.contactPolicy).toBeNull();
    expect(parseRuleSet('{}', 'r.json').attribution.model).toBe('direct');
  });

  it.each([
    ['{"scoring": {"referralShare": 1.5}}', 'r.json', /scoring.referralShare/],
    ['{"scoring": {"productWeights": {"GOLD": -1}}}', 'r.json', /scoring.productWeights.GOLD/],
    ['{"attribution": "newest"}', 'r.json', /attribution/],
    ['{"contactLimits": {}}', 'r.json', /Unrecognized key/],
    ['{"scoring": ', 'r.json', /not valid JSON/],
    ['contactPolicy:\n  maxCampaignContactsPer30Days: 1.5\n', 'r.yaml', /contactPolicy.maxCampaignContactsPer30Days/],
  ])('refuses %s with a clear line', (text, source, message) => {
    expect(() => parseRuleSet(text, source)).toThrow(message);
  });
});
