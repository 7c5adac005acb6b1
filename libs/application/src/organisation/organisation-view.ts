import { ORGANISATION_STREAM, organisationDecider, type Organisation, type OrganisationEvent } from '@app/domain';
import type { EventStore } from '@app/event-store';

/**
 * The organisation as configured now: the `organisation` stream folded, kept in memory and
 * brought up to date (reading only the events after the last one seen) before each use.
 * Every process that needs the org tree, staff and products (api, ingest) uses one of these.
 */
export class OrganisationView {
  private state: Organisation = organisationDecider.initialState();
  private revision = -1;
  private refreshing: Promise<Organisation> | undefined;
  /** The read after the one under way, shared by every caller that came while it was under way. */
  private next: Promise<Organisation> | undefined;

  constructor(private readonly store: EventStore) {}

  /**
   * The organisation with at least every event written before this call. A read already under way
   * may have begun before an event its caller was just answered for (a revocation, a new staff
   * member): a caller that comes meanwhile waits for the next read, which starts once that one ends.
   */
  current(): Promise<Organisation> {
    if (!this.refreshing) return (this.refreshing = this.refresh().finally(() => (this.refreshing = undefined)));
    return (this.next ??= this.refreshing.then(
      () => this.afterCurrent(),
      () => this.afterCurrent(),
    ));
  }

  private afterCurrent(): Promise<Organisation> {
    this.next = undefined;
    return this.current();
  }

  private async refresh(): Promise<Organisation> {
    const fresh = await this.store.readStream(ORGANISATION_STREAM, this.revision + 1);
    for (const e of fresh) {
      this.state = organisationDecider.evolve(this.state, e as unknown as OrganisationEvent);
      this.revision = e.streamPosition;
    }
    return this.state;
  }
}
