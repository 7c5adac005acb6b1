import type { RecordedEvent } from '@app/event-store';

/**
 * Splits a batch into runs of consecutive events of the same type. A projection applies each
 * run with one multi-row statement, and the runs in order, so events still take effect in log order.
 */
export function runsOfSameType(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const runs: RecordedEvent[][] = [];
  for (const e of events) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.type === e.type) last.push(e);
    else runs.push([e]);
  }
  return runs;
}

/**
 * Splits a batch by type into groups applied in a fixed order (events keep their log order within
 * a group). Only for projections whose result does not depend on how events of different groups
 * interleave inside one batch: then a batch costs one statement per group, not one per run.
 */
export function groupsInOrder(events: readonly RecordedEvent[], order: readonly (readonly string[])[]): RecordedEvent[][] {
  const groupOf = new Map<string, number>();
  order.forEach((types, i) => types.forEach((t) => groupOf.set(t, i)));
  const groups: RecordedEvent[][] = order.map(() => []);
  for (const e of events) {
    const g = groupOf.get(e.type);
    if (g !== undefined) groups[g]!.push(e);
  }
  return groups;
}

type Handler = (tx: import('pg').PoolClient, events: readonly RecordedEvent[]) => Promise<unknown>;

/** `apply` for order-sensitive projections: runs of same-type events, in log order. */
export const applyInRuns =
  (handlers: Readonly<Record<string, Handler>>) =>
  async (tx: import('pg').PoolClient, events: readonly RecordedEvent[]): Promise<void> => {
    for (const run of runsOfSameType(events)) await handlers[run[0]!.type]!(tx, run);
  };

/**
 * `apply` by type groups in a fixed order (see `groupsInOrder`): a one-type group is one handler
 * call; a group of several types goes event by event in log order (for the rare events that undo
 * each other).
 */
export const applyInGroups =
  (order: readonly (readonly string[])[], handlers: Readonly<Record<string, Handler>>) =>
  async (tx: import('pg').PoolClient, events: readonly RecordedEvent[]): Promise<void> => {
    const groups = groupsInOrder(events, order);
    for (let i = 0; i < order.length; i++) {
      const group = groups[i]!;
      if (group.length === 0) continue;
      if (order[i]!.length === 1) await handlers[group[0]!.type]!(tx, group);
      else for (const e of group) await handlers[e.type]!(tx, [e]);
    }
  };
