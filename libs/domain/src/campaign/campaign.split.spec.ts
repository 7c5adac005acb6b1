import { DomainError } from '../errors';
import { assignGroup, countControl, requireSameSplit, splitAudience } from './campaign.split';

// The seeded split at 20% (FNV-1a of seed:customer): seed K9 puts M1 in treatment, seed S2 puts it in control.
describe('resuming a launch: the seed must give every customer already enrolled the group they got', () => {
  it('given M1 enrolled in control, when resumed with S2 (control), then nothing is refused', () => {
    expect(() => requireSameSplit('S2', 20, [{ customerId: 'M1', group: 'control' }])).not.toThrow();
  });

  it('given M1 enrolled in control, when resumed with K9 (treatment), then RANDOMISATION_SEED_DIFFERS names M1', () => {
    let refusal: unknown;
    try {
      requireSameSplit('K9', 20, [{ customerId: 'M1', group: 'control' }]);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ kind: 'illegal_state', code: 'RANDOMISATION_SEED_DIFFERS', details: { customerIds: ['M1'] } });
  });

  it('given nobody enrolled yet (a first attempt), when launched with any seed, then nothing is refused', () => {
    expect(() => requireSameSplit('anything', 50, [])).not.toThrow();
  });
});

describe('counting the control group of a joined list of ids, as the preview does', () => {
  it('gives M1 the group the resume examples above give it: control under S2, treatment under K9 (20%)', () => {
    expect(countControl('S2', 'M1', '\n', 20)).toEqual({ customers: 1, control: 1 });
    expect(countControl('K9', 'M1', '\n', 20)).toEqual({ customers: 1, control: 0 });
  });

  it('puts nobody in control at 0% and everybody at 100% (every hash is below 10,000 and none below 0)', () => {
    expect(countControl('K1', 'a\nb\nc', '\n', 0)).toEqual({ customers: 3, control: 0 });
    expect(countControl('K1', 'a\nb\nc', '\n', 100)).toEqual({ customers: 3, control: 3 });
  });

  it('counts nobody in an empty list, and refuses a separator of more than one character', () => {
    expect(countControl('K1', '', '\n', 50)).toEqual({ customers: 0, control: 0 });
    expect(() => countControl('K1', 'a, b', ', ', 50)).toThrow(RangeError);
  });

  it('agrees with the launch\'s split customer by customer summed, for awkward ids and seeds at several percents', () => {
    // Ids of every shape the API lets through (letters, digits, _ . : -), one of 64 characters, and a non-ASCII seed.
    const ids = ['M1', 'C00000001', 'a.b:c-d_e', 'Z', '0', 'x'.repeat(64), ...Array.from({ length: 500 }, (_, i) => `S${i * 7919}`)];
    for (const seed of ['K-2026-001', 'PREVIEW', '', '季度:存款']) {
      for (const percent of [1, 10, 33.33, 50, 99]) {
        const launch = splitAudience(seed, ids, percent).filter((x) => x.group === 'control').length;
        expect(countControl(seed, ids.join('\n'), '\n', percent)).toEqual({ customers: ids.length, control: launch });
      }
    }
    // The list's order does not matter, as for the split itself.
    expect(countControl('K1', [...ids].reverse().join('\n'), '\n', 20)).toEqual(countControl('K1', ids.join('\n'), '\n', 20));
    expect(assignGroup('S2', 'M1', 20)).toBe('control');
  });
});
