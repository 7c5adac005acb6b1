import { comparePositions, type Position, type RecordedEvent } from '@app/event-store';

/**
 * What the runner knows beyond a projection's tables: which customers no event applied to them has
 * named yet, so the rows they would be read for are known absent and the state read leaves them
 * out. A projection's state function may use it only for rows that events naming that customer
 * (`data.customerId`) alone write.
 */
export interface Known {
  isNew(customerId: string): boolean;
}

/** Knows nothing: every customer is read. */
export const NOTHING_KNOWN: Known = { isNew: () => false };

/** The customers of `ids` that may have rows: the ones `known` cannot rule out. */
export const mayHaveRows = (ids: readonly string[], known: Known | undefined): string[] => (known ? ids.filter((id) => !known.isNew(id)) : [...ids]);

/**
 * Where each customer was first named in the log, kept by a reader that has read it from the start
 * (a rebuild, a fresh projection): a customer first named after the position a projection's tables
 * are at has no rows there yet. Only a reader that has seen every event from the start can say so;
 * past `cap` customers it stops knowing (memory), and every customer is read again.
 */
export class FirstNamed {
  private readonly first = new Map<string, Position>();
  private full = false;

  constructor(private readonly cap: number) {}

  /** Still knows (has read from the start and kept every customer). */
  get knows(): boolean {
    return !this.full;
  }

  /** Notes the customers a page of the log names, before any projection applies it (events in log order). */
  note(events: readonly RecordedEvent[]): void {
    if (this.full) return;
    for (const e of events) {
      const id = (e.data as { customerId?: unknown } | null)?.customerId;
      if (typeof id !== 'string' || this.first.has(id)) continue;
      if (this.first.size >= this.cap) {
        this.full = true;
        this.first.clear();
        return;
      }
      this.first.set(id, e.position);
    }
  }

  /** No event at or before `position` names the customer (only while `knows`). */
  newAfter(customerId: string, position: Position): boolean {
    if (this.full) return false;
    const p = this.first.get(customerId);
    return p === undefined || comparePositions(p, position) > 0;
  }
}
