import type { Actor, Channel, CustomerCommand, DistributiveOmit, RiskLevel } from '@app/domain';
import type { Seeding } from '../seeding';

/** A customer command as a step writes it; `customerCommand` adds who, when and the organisation. */
export type CustomerIntent = DistributiveOmit<CustomerCommand, 'org' | 'by' | 'at' | 'customerId'>;

/** A demo customer as the seed follows them: what drives their history but is not in its events. */
export interface Profile {
  readonly id: string;
  readonly homeUnitId: string;
  readonly managers: readonly string[];
  readonly head: string;
  /** Financial assets (CNY), moved month by month. */
  assets: number;
  holdings: Set<string>;
  tolerance: RiskLevel | null;
  channels: Channel[];
  leaver: boolean;
}

/** Decided by the customer decider in the batch: returns the events, or the refusal as the API would give it. */
export const customerCommand = (s: Seeding, p: Profile, by: Actor, when: string, c: CustomerIntent) =>
  s.batch.decide({ ...c, customerId: p.id, org: s.org, by, at: when } as CustomerCommand, s.context(by, when));
