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
  apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * A build beside the live tables (a rebuild, blue/green) is read by nothing until it switches over:
   * its transactions have the setting `BUILDING` on, and work a projection can do once over its
   * finished tables (counters a trigger would keep per batch) waits for this, run in the switch-over's
   * transaction with the build and the live tables stopped. Never for a live projection (a first
   * start, a projector catching up): those tables serve while they fill.
   */
  afterBuild?(tx: PoolClient): Promise<void>;
}

/**
 * A transaction-local setting, `on` in a build's transactions (`useSchema`): what a projection
 * defers to `afterBuild` (a counting trigger) does nothing while it is on.
 */
export const BUILDING = 'read_models.building';
