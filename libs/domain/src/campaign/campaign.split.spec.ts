import { DomainError } from '../errors';
import { requireSameSplit } from './campaign.split';

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
