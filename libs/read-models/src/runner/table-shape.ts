/** A projection's table as data: its key, its columns, and how each column takes a new value. */

/**
 * How a column of a row that exists already takes a value from an effect:
 * `set` the latest wins; `add` the values are summed; `min` / `max` the smallest / largest stays
 * (nulls ignored); `keep` the value the row was inserted with stays (keep-first); `union` (a `text[]`
 * kept as a sorted set) the elements there and those given, each once, sorted — so an effect can add
 * to the set without reading what is there.
 */
export type Combine = 'set' | 'add' | 'min' | 'max' | 'keep' | 'union';

export interface ColumnShape {
  /** PostgreSQL type, e.g. `text`, `bigint`, `timestamptz`. */
  readonly type: string;
  /** Default `set` for non-key columns. */
  readonly combine?: Combine;
  /** What an inserted row holds when no effect gave the column (absent: NULL). */
  readonly default?: string | number | boolean;
  /** NOT NULL (key columns and columns with a default are anyway): an effect without it fails the batch. */
  readonly notNull?: boolean;
  /**
   * `false`: no plan filters, joins, groups or sorts on the column (it is only shown, or read inside
   * an expression), so ANALYZE skips it (`SET STATISTICS 0`) — the projector's analyses after large
   * batches and autovacuum's alike. A wide array or jsonb column costs an ANALYZE more than all the
   * rest of its table.
   */
  readonly statistics?: false;
}

export interface TableShape {
  readonly name: string;
  /** The primary key's columns, in order (each also in `columns`). */
  readonly key: readonly string[];
  readonly columns: Readonly<Record<string, ColumnShape>>;
  /** Indexes and other statements run after the CREATE TABLE. */
  readonly extra?: readonly string[];
}

export type Row = Readonly<Record<string, unknown>>;
