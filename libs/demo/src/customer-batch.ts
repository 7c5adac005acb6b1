import { customerDecider, customerStream, DomainError, type CustomerCommand, type CustomerEvent, type CustomerState } from '@app/domain';
import { comparePositions, type EventStore, type NewEvent, type Position } from '@app/event-store';
import { withMetadata, type CommandContext } from '@app/application';

interface Entry {
  state: CustomerState;
  /** Revision the store holds (what the next append expects). */
  revision: number;
  pending: NewEvent[];
}

/**
 * Customer commands for bulk work (the demo seed): each command is decided by the customer
 * decider on the customer's folded state, exactly as the API's handler does, but the decisions of
 * many customers are appended together — one multi-stream append per batch, every stream with its
 * expected revision — instead of one round trip per command. Refusals behave as in the API: the
 * command appends nothing, except refusals the rules record (an unsuitable offer).
 */
export class CustomerBatch {
  private readonly entries = new Map<string, Entry>();
  private pendingEvents = 0;
  private streamsPending = new Set<string>();
  /** The append started by `maybeFlush` and not yet waited for. */
  private inFlight: Promise<void> | null = null;
  /** Events appended so far. */
  appended = 0;
  readonly refusals = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly batchSize = 4000,
  ) {}

  state(customerId: string): CustomerState {
    return this.entries.get(customerId)?.state ?? customerDecider.initialState();
  }

  /** Decides and queues; returns the events, or the refusal. */
  decide(command: CustomerCommand, context: CommandContext): readonly CustomerEvent[] | DomainError {
    const id = command.customerId;
    let entry = this.entries.get(id);
    if (!entry) this.entries.set(id, (entry = { state: customerDecider.initialState(), revision: -1, pending: [] }));
    let events: readonly CustomerEvent[];
    try {
      events = customerDecider.decide(command, entry.state);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.refusals.set(err.code, (this.refusals.get(err.code) ?? 0) + 1);
      this.queue(id, entry, err.recorded as CustomerEvent[], context);
      return err;
    }
    this.queue(id, entry, events, context);
    return events;
  }

  private queue(id: string, entry: Entry, events: readonly CustomerEvent[], context: CommandContext): void {
    if (events.length === 0) return;
    const streamId = customerStream(id);
    entry.pending.push(...withMetadata(streamId, events, context));
    for (const e of events) entry.state = customerDecider.evolve(entry.state, e);
    this.pendingEvents += events.length;
    this.streamsPending.add(id);
  }

  /**
   * Starts an append when enough is queued, without waiting for it: the next commands are decided
   * while the store writes these (their revisions are known already). At most one append is in
   * flight, so the store sees the batches in order; the next one waits for it.
   */
  async maybeFlush(): Promise<void> {
    if (this.pendingEvents < this.batchSize) return;
    await this.settled();
    this.inFlight = this.append();
    // Its failure is reported by the next wait on it (flush, maybeFlush, settled), not as unhandled.
    this.inFlight.catch(() => undefined);
  }

  /** Appends everything queued and waits until the store holds it. */
  async flush(): Promise<void> {
    await this.settled();
    await this.append();
  }

  /** Waits for the append in flight, if any (its failure is thrown here). */
  async settled(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = null;
    if (inFlight) await inFlight;
  }

  /** Takes what is queued (the streams' next expected revisions move on at once) and appends it. */
  private async append(): Promise<void> {
    if (this.pendingEvents === 0) return;
    const appends = [...this.streamsPending].map((id) => {
      const e = this.entries.get(id)!;
      const append = { streamId: customerStream(id), events: e.pending, expectedRevision: e.revision === -1 ? ('no_stream' as const) : e.revision };
      e.revision += e.pending.length;
      e.pending = [];
      return append;
    });
    const count = this.pendingEvents;
    this.pendingEvents = 0;
    this.streamsPending = new Set();
    await this.store.appendToStreams(appends);
    this.appended += count;
  }

  /**
   * Folds in what other handlers appended to these customers' streams after `after`, up to and
   * including `through` (a launch's enrolments). Readers of the global order see a commit only once
   * older transactions have finished, so this waits until `through` is visible.
   */
  async syncFrom(after: Position | null, through: Position): Promise<void> {
    await this.flush();
    let position = after ?? undefined;
    while (!position || comparePositions(position, through) < 0) {
      const batch = await this.store.readAll({ after: position, maxCount: 5000 });
      if (batch.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      for (const e of batch) {
        position = e.position;
        if (!e.streamId.startsWith('customer-')) continue;
        const entry = this.entries.get(e.streamId.slice('customer-'.length));
        if (!entry || e.streamPosition <= entry.revision) continue;
        entry.state = customerDecider.evolve(entry.state, e as unknown as CustomerEvent);
        entry.revision = e.streamPosition;
      }
    }
  }
}
