/**
 * Why an import was refused. Both name the file's line (1-based; in CSV the header is line 1
 * and a record starts on the line of its first character), so an analyst can find it.
 */
export class InvalidImportFile extends Error {
  override readonly name = 'InvalidImportFile';
  readonly code = 'INVALID_IMPORT_FILE';
  constructor(
    readonly line: number,
    readonly reason: string,
    /** The field at fault and what fits there, when the line's data breaks its event type's schema. */
    readonly problem?: { readonly field: string; readonly expected: string },
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** The file is well formed but does not fit the target store: a stream there is elsewhere. */
export class ImportConflict extends Error {
  override readonly name = 'ImportConflict';
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly line: number,
    readonly streamId: string,
    readonly reason: string,
  ) {
    super(`line ${line}: stream ${streamId}: ${reason}`);
  }
}

/** Events below the head stayed invisible: a transaction somewhere on the server stays open. */
export class ExportStalled extends Error {
  override readonly name = 'ExportStalled';
  readonly code = 'EXPORT_STALLED';
  constructor(
    readonly position: string,
    readonly waitedMs: number,
  ) {
    super(`export stalled after ${position}: the next events stayed held back by an open transaction for ${waitedMs} ms`);
  }
}
