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

  constructor(private readonly store: EventStore) {}

  current(): Promise<Organisation> {
    return (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
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
