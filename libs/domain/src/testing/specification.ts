import { fold, type Decider, type DomainEvent } from '../decider';
import type { DomainError } from '../errors';

/**
 * Given/when/then for deciders:
 *   spec(decider).given([...events]).when(command).then([...events])
 *   spec(decider).given([...events]).when(command).thenRefuses('CODE')
 */
export function spec<C, S, E extends DomainEvent>(decider: Decider<C, S, E>) {
  return {
    given(history: readonly E[]) {
      const state = fold(decider, history);
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: readonly E[]) {
              expect(run()).toEqual(expected);
            },
            /** Checks the emitted events with a matcher instead of exact equality. */
            thenMatches(expected: readonly unknown[]) {
              expect(run()).toMatchObject(expected);
            },
            thenRefuses(code: string, details?: Record<string, unknown>) {
              let error: unknown;
              try {
                run();
              } catch (e) {
                error = e;
              }
              expect(error).toMatchObject({ code });
              if (details) expect((error as DomainError).details).toMatchObject(details);
            },
          };
        },
      };
    },
  };
}
