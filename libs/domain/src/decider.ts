/**
 * The shape of every aggregate's rules: pure functions, no I/O. Time, ids and configuration
 * come in with the command; `decide` throws a `DomainError` to refuse.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** `Omit` over each member of a union (commands are discriminated unions). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface Decider<Command, State, Event extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): readonly Event[];
}

/** Folds a stream's history into the state the next decision is made on. */
export function fold<State, Event extends DomainEvent>(
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState();
  for (const e of events) state = decider.evolve(state, e);
  return state;
}

/**
 * The same rules over a list of commands decided one after another, each on the state the ones
 * before it left: all their events are appended together, or none (e.g. first-run set-up).
 */
export function inSequence<Command, State, Event extends DomainEvent>(decider: Decider<Command, State, Event>): Decider<readonly Command[], State, Event> {
  return {
    initialState: decider.initialState,
    evolve: decider.evolve,
    decide(commands, state) {
      const out: Event[] = [];
      for (const c of commands) {
        const events = decider.decide(c, state);
        for (const e of events) state = decider.evolve(state, e);
        out.push(...events);
      }
      return out;
    },
  };
}
