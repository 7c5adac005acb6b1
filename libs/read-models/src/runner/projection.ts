import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';

/**
 * A read model kept from the event log. `apply` gets a batch and the transaction the runner
 * will also store the checkpoint in: it must write with multi-row statements, and applying the
 * same batch twice must change nothing.
 *
 * Most projections do not write `apply` themselves: they are given as data (`effects.ts`:
 * tables, and a pure event → effects function) and `effectProjection` makes the `apply` that
 * folds a batch and writes it. A hand-written `apply` remains for the ones not converted.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  /** Only these event types are passed to `apply` (the checkpoint still moves past the rest). */
  readonly eventTypes: readonly string[];
  /**
   * CREATE statements for its tables, unqualified: the runner creates them in a fresh schema for
   * each build (blue/green) and points `search_path` at it while applying and querying.
   */
  readonly tables: readonly string[];
  /**
   * Its stored rows hold cuts of the bank's calendar (a business day, month or year, a bank day's
   * bounds) made in the bank's zone: the runner records the zone beside each build and rebuilds the
   * projection (blue/green) when it starts in another BANK_TIME_ZONE, so old and new cuts never mix.
   */
  readonly dependsOnTimeZone?: boolean;
  apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void>;
}
