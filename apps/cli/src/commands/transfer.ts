import type { Command } from 'commander';
import { asOfInstant, checkEventData, fromInstant } from '@app/domain';
import { importEvents, writeExport, type TransferFormat } from '@app/event-store';
import { finishErasures, legacyTextImport } from '@app/platform';
import { usage, withRuntime } from '../cli-runtime';
import { output } from '../output';
import { progress } from '../progress';

const format = (value: string | undefined, path?: string): TransferFormat => {
  const f = value ?? (path?.endsWith('.csv') ? 'csv' : 'ndjson');
  if (f !== 'ndjson' && f !== 'csv') throw usage(`--format is ndjson or csv, not ${f}`);
  return f;
};

/** `campaignctl export` and `campaignctl import`: the event history as files for pandas, DuckDB or Excel. */
export function transferCommands(program: Command): void {
  program
    .command('export')
    .description('write the event history as NDJSON or CSV (streamed: constant memory); one row per event with its metadata')
    .option('--from <date>', 'first business date (occurredAt), inclusive: 2026-03-01 (from bank midnight, BANK_TIME_ZONE) or an ISO time with its offset')
    .option('--to <date>', 'last business date, inclusive (a date means the whole bank day, in BANK_TIME_ZONE)')
    .option('--format <format>', 'ndjson or csv (default: from --out, else ndjson)')
    .option('--types <list>', 'only these event types, comma-separated')
    .option('--out <file>', 'write here (default: stdout)')
    .option('--bom', 'start the CSV with a byte-order mark (Excel shows Chinese text right)')
    .option('--json', 'print a summary as JSON (with --out)')
    .action(async (o: { from?: string; to?: string; format?: string; types?: string; out?: string; bom?: boolean; json?: boolean }) => {
      const f = format(o.format, o.out);
      const types = o.types?.split(',').map((t) => t.trim()).filter(Boolean);
      const summary = await withRuntime(async (runtime) => {
        const bar = o.out ? progress('export', 0, 'events') : undefined;
        try {
          return await writeExport(runtime.store, o.out ?? process.stdout, {
            format: f,
            // Here, once the runtime has put BANK_TIME_ZONE in force.
            from: bound('--from', o.from, fromInstant),
            to: bound('--to', o.to, asOfInstant),
            types,
            bom: o.bom,
            onProgress: (p) => bar?.update(p.exported),
          });
        } catch (err) {
          if (err instanceof RangeError) throw usage(err.message);
          throw err;
        } finally {
          bar?.stop();
        }
      });
      if (o.out) output(o.json, { ...summary, file: o.out, format: f }, (s) => `exported ${s.events} events (${s.scanned} read) to ${s.file}\n`);
    });

  program
    .command('import <file>')
    .description('append events from an NDJSON or CSV export; every line is checked (format, and its data against the event catalogue: type, version, each field) and a bad line refuses the whole file (nothing appended: on PostgreSQL the file is appended as it is read, in one transaction rolled back at a bad line; on EventStoreDB it is checked whole first). On PostgreSQL the read models and subscriptions wait until the import commits: run large imports when a pause of the figures is acceptable')
    .option('--format <format>', 'ndjson or csv (default: from the file name)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, o: { format?: string; json?: boolean }) => {
      const f = format(o.format, file);
      const summary = await withRuntime(async (runtime) => {
        const bar = progress('import', 0, 'events');
        try {
          const summary = await importEvents(runtime.store, file, {
            format: f,
            ...keepChars(),
            // Every line's data against the event catalogue: what the product cannot read never enters the log.
            checkEvent: (e) => checkEventData(e.type, e.metadata.schemaVersion, e.data),
            // Legacy versions' free text about a customer goes to the vault, not the log.
            ...legacyTextImport(runtime),
            onProgress: (p) => bar.update(p.done, p.total ?? undefined),
          });
          // An earlier run of this import may have stored an erasure and died before doing it: done now.
          await finishErasures(runtime);
          return summary;
        } finally {
          bar.stop();
        }
      });
      output(o.json, summary, (s) => `imported ${s.events} events into ${s.streams} streams (${s.alreadyStored} already stored)\n`);
    });
}

/**
 * IMPORT_KEEP_CHARS (for tests only): characters of the file whose events the validate-first import
 * (EventStoreDB's; on PostgreSQL with IMPORT_VALIDATE_FIRST=1) keeps in memory before it spills the
 * rest to a temporary file (default 64 MiB), so that a test can make a small file spill. Not a
 * tuning knob: the default is right for production.
 */
function keepChars(): { keepChars?: number; validateFirst?: boolean } {
  const value = process.env.IMPORT_KEEP_CHARS;
  const validateFirst = process.env.IMPORT_VALIDATE_FIRST === '1' ? { validateFirst: true } : {};
  if (value === undefined || value === '') return validateFirst;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw usage(`IMPORT_KEEP_CHARS is a number of characters, not ${JSON.stringify(value)}`);
  return { keepChars: n, ...validateFirst };
}

/**
 * `--from`/`--to` as an instant: a bank day is the instant it starts (`fromInstant`) or its last
 * millisecond (`asOfInstant`) in BANK_TIME_ZONE; a time must carry its offset. Anything else (a day
 * that does not exist, a time without its offset) is a usage mistake, never read some other way.
 */
function bound(option: string, value: string | undefined, instant: (value: string) => Date | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = instant(value);
  if (!at) throw usage(`${option} is a bank day (YYYY-MM-DD, in BANK_TIME_ZONE) or an ISO time with its offset (Z or ±hh:mm), not ${value}`);
  return at;
}
