import type { PoolClient } from 'pg';
import type { Position, RecordedEvent } from '@app/event-store';
import type { Known } from './known-subjects';

/**
 * What the runner tells `apply` beyond the batch: where it holds the tables to be (the checkpoint
 * it committed last), and what it knows of them there. `known` holds only while the checkpoint is
 * at `position` (no other writer has been at the tables since): an `apply` that finds it elsewhere
 * must not use it, and calls `distrust` so the runner stops offering it.
 */
export interface ApplyContext {
  readonly position: Position;
  readonly known: Known;
  distrust(): void;
}

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
  apply(tx: PoolClient, events: readonly RecordedEvent[], context?: ApplyContext): Promise<void>;
}
