import { Inject, Injectable } from '@nestjs/common';
import { ORGANISATION_STREAM, organisationDecider, type Organisation, type OrganisationEvent } from '@app/domain';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

/**
 * The organisation as configured now: the `organisation` stream folded, kept in memory and
 * brought up to date (reading only the events after the last one seen) before each use.
 */
@Injectable()
export class OrganisationDirectory {
  private state: Organisation = organisationDecider.initialState();
  private revision = -1;
  private refreshing: Promise<Organisation> | undefined;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  current(): Promise<Organisation> {
    return (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
  }

  private async refresh(): Promise<Organisation> {
    const fresh = await this.runtime.store.readStream(ORGANISATION_STREAM, this.revision + 1);
    for (const e of fresh) {
      this.state = organisationDecider.evolve(this.state, e as unknown as OrganisationEvent);
      this.revision = e.streamPosition;
    }
    return this.state;
  }
}
