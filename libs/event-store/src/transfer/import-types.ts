import type { NewEvent } from '../events';
import type { TransferFormat } from './format';

// The import's options and answers (`import.ts`), apart so both import paths can name them.

export interface ImportOptions {
  readonly format: TransferFormat;
  /**
   * Events per `appendToStreams` call, of any number of streams (default 5,000). Validate-first
   * (EventStoreDB): fewer commits, each holding readers back a fraction of a second at most. In one
   * transaction (Postgres): the one in flight while the next is parsed; readers are held back until
   * the commit whatever the size.
   */
  readonly batchSize?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
  /**
   * The event's data checked against its type's schema at its version (the store knows no
   * schemas: the caller passes the catalogue's check). A problem refuses the file at that line.
   */
  readonly checkEvent?: (event: NewEvent) => { readonly field: string; readonly expected: string } | null;
  /**
   * Each event about to be appended, in file order, before its batch goes to the store: what is
   * appended instead (same id; e.g. a legacy version whose free text goes to the vault).
   */
  readonly transformEvent?: (event: NewEvent) => Promise<NewEvent>;
  /**
   * After events are stored, with those events as appended (e.g. to erase a customer the file
   * erases): after each batch where batches are stored one by one (EventStoreDB), after the
   * commit where the whole import is one transaction (Postgres), with the events of the file
   * that `afterAppendWants` keeps (default: all of them, held in memory until the commit).
   */
  readonly afterAppend?: (events: readonly NewEvent[]) => Promise<void>;
  /** See `afterAppend`: which appended events it needs (the one-transaction import holds only those). */
  readonly afterAppendWants?: (event: NewEvent) => boolean;
  /**
   * Characters of the file whose events validation keeps in memory for the append (default
   * 64 MiB: about 200,000 events of a typical export). The events of a larger file's rest, once
   * validated, go to a private temporary file that the append reads back; the input itself is
   * never read twice, so lines written into it after validation are never appended.
   */
  /** Validate the whole file before appending, as on a store without append transactions (EventStoreDB), even where the store has them: for tests of that path. */
  readonly validateFirst?: boolean;
  readonly keepChars?: number;
}

export interface ImportProgress {
  /** `importing`: the one-transaction import (validating and appending in one pass; `done`: events read and checked). */
  readonly phase: 'validating' | 'checking' | 'appending' | 'importing' | 'committing';
  /** Events validated, streams checked against the store, events appended, or events imported. */
  readonly done: number;
  /** Known once validation is over. */
  readonly total: number | null;
}

export interface ImportSummary {
  /** Events appended. */
  readonly events: number;
  /** Streams appended to. */
  readonly streams: number;
  /** Events of the file the store held already (same ids, same revisions): a re-import. */
  readonly alreadyStored: number;
}
