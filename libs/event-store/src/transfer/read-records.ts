import type { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { csvLayout, fromCsvRow, fromNdjsonLine, RecordRejected, type CsvLayout, type ImportedEvent, type TransferFormat } from './format';
import { InvalidImportFile } from './transfer.errors';

/**
 * Called for every event of the file, in file order, synchronously, before anything later in
 * the file is looked at. It may throw `RecordRejected` (the reader adds the line) or return a
 * value to yield; `undefined` yields nothing. `chars`: the record's length in the file (about).
 */
export type Visit<T> = (event: ImportedEvent, line: number, chars: number) => T | undefined;

/** Most values yielded at once: a few promise turns per thousand events, not one per event. */
const GROUP = 1_000;

/**
 * The events of an export file, one pass, constant memory, yielded in groups of up to a
 * thousand values. Throws `InvalidImportFile` for the first line that breaks the format or
 * that `visit` refuses: a parse error further on in the same chunk never hides it, because
 * `visit` has already run on every record before it. Blank lines are skipped (but counted).
 */
export function readRecords<T>(input: Readable, format: TransferFormat, visit: Visit<T>): AsyncGenerator<T[]> {
  return format === 'csv' ? csvRecords(input, visit) : ndjsonRecords(input, visit);
}

async function* ndjsonRecords<T>(input: Readable, visit: Visit<T>): AsyncGenerator<T[]> {
  input.setEncoding('utf8');
  let line = 0;
  let rest = '';
  let out: T[] = [];
  const handle = (text: string): void => {
    line += 1;
    const clean = (line === 1 ? text.replace(/^\uFEFF/, '') : text).replace(/\r$/, '');
    if (clean.trim() === '') return;
    const value = atLine(line, () => visit(fromNdjsonLine(clean), line, clean.length));
    if (value !== undefined) out.push(value);
  };
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const text of lines) {
        handle(text);
        if (out.length >= GROUP) {
          yield out;
          out = [];
        }
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
    if (rest !== '') handle(rest);
    if (out.length > 0) yield out;
  } finally {
    input.destroy(); // also when the consumer stops early: the file is not left open
  }
}

/** Guards against a wrong delimiter or an unclosed quote swallowing the file, yet fits big `data`. */
const MAX_RECORD_CHARS = 8 * 1024 * 1024;

async function* csvRecords<T>(input: Readable, visit: Visit<T>): AsyncGenerator<T[]> {
  // csv-parse's own line count is off for CRLF files (it counts \r and \n apart inside quotes
  // and on blank lines), so lines are counted here: a record spans 1 + its embedded breaks.
  let nextLine = 1;
  let layout: CsvLayout | undefined;
  let width = 0;
  let failure: Error | undefined;
  const options: Options<{ value: T }, (string | null)[]> = {
    bom: true,
    relax_column_count: true, // column counts are checked here, with the line number
    max_record_size: MAX_RECORD_CHARS,
    // An unquoted empty cell is null, a quoted one ("") the empty string: export writes them so.
    cast: (value, context) => (value === '' && !context.quoting ? null : value),
    on_record: (cells: (string | null)[]) => {
      if (failure) return null;
      const line = nextLine;
      nextLine += 1 + cells.reduce((n, c) => n + lineBreaks(c), 0);
      if (cells.length === 1 && !cells[0]) return null;
      try {
        if (!layout) {
          width = cells.length;
          layout = atLine(line, () => csvLayout(cells.map((c) => c ?? '')));
          return null;
        }
        const value = atLine(line, () => visit(fromCsvRow(cells, layout!, width), line, cells.reduce((n, c) => n + (c?.length ?? 0) + 1, 0)));
        return value === undefined ? null : { value };
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        input.unpipe(parser);
        input.destroy();
        parser.destroy(failure);
        return null;
      }
    },
  };
  // The typings tie `on_record` to string[] rows; ours carry nulls and return wrapped values.
  const parser = parse(options as unknown as Options);
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<{ value: T }>) yield [record.value];
  } catch (err) {
    if (failure) throw failure;
    if (err instanceof CsvError) throw new InvalidImportFile(nextLine, `malformed CSV: ${err.message.replace(/\s+(at|on) line \d+/g, '')}`);
    throw err;
  } finally {
    input.destroy(); // also when the consumer stops early: the file is not left open
  }
  if (failure) throw failure;
  if (!layout) throw new InvalidImportFile(1, 'no header row: the file is empty');
}

/** Runs `f`, turning a format refusal into the file error for `line`. */
function atLine<R>(line: number, f: () => R): R {
  try {
    return f();
  } catch (err) {
    if (err instanceof RecordRejected) throw new InvalidImportFile(line, err.message, err.problem);
    throw err;
  }
}

function lineBreaks(cell: string | null): number {
  if (!cell || !/[\r\n]/.test(cell)) return 0;
  return cell.match(/\r\n|\r|\n/g)!.length;
}
