import { Inject, Injectable } from '@nestjs/common';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';
import { OrganisationView } from './organisation-view';

/** The organisation as configured now, for the handlers, guards and queries of a Nest process. */
@Injectable()
export class OrganisationDirectory extends OrganisationView {
  constructor(@Inject(RUNTIME) runtime: Runtime) {
    super(runtime.store);
  }
}
