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
