import { Inject, Injectable } from '@nestjs/common';
import { OrganisationView } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

/** The organisation as configured now, for the API's guards, commands and queries. */
@Injectable()
export class OrganisationDirectory extends OrganisationView {
  constructor(@Inject(RUNTIME) runtime: Runtime) {
    super(runtime.store);
  }
}
