import type { Command } from 'commander';
import { formatPosition } from '@app/event-store';
import { PROJECTIONS } from '@app/read-models';
import { boundHeapGrowth } from '@app/platform';
import { usage, withRuntime } from '../cli-runtime';
import { output, table } from '../output';
import { progress } from '../progress';

/** `campaignctl replay`: rebuild read models blue/green from the whole event history. */
export function replayCommand(program: Command): void {
  program
    .command('replay')
    .description('rebuild read models blue/green: a fresh schema is built from the start of the log while the old one serves, then they switch')
    .option('--projection <name>', `one projection (${PROJECTIONS.map((p) => p.name).join(', ')})`)
    .option('--all', 'every projection, in one pass over the log')
    .option('--json', 'print the results as JSON')
    .action(async (o: { projection?: string; all?: boolean; json?: boolean }) => {
      if (!o.all === !o.projection) throw usage('name one --projection, or --all');
      if (o.projection && !PROJECTIONS.some((p) => p.name === o.projection)) throw usage(`no projection ${o.projection}; there are ${PROJECTIONS.map((p) => p.name).join(', ')}`);
      const names = o.all ? PROJECTIONS.map((p) => p.name) : [o.projection!];
      // A rebuild's batches die in the old generation: collect it at twice what is alive, not four times (peak RSS; heap.ts).
      boundHeapGrowth();
      const results = await withRuntime(
        async (runtime) => {
          // Every projection named is rebuilt from one read of the log.
          const started = Date.now();
          const bar = progress(names.length === 1 ? names[0]!.padEnd(22) : `${names.length} projections`.padEnd(22), 0, 'events');
          let events = 0;
          let statuses;
          try {
            statuses = await runtime.projector!.rebuildAll(names, (p) => {
              events = p.done;
              bar.update(p.done, p.total);
            });
          } finally {
            bar.stop();
          }
          const seconds = (Date.now() - started) / 1000;
          const out = statuses.map((status) => ({ name: status.name, version: status.version, schema: status.schema, position: formatPosition(status.position), events, seconds, eventsPerSecond: Math.round(events / Math.max(seconds, 0.001)) }));
          return out;
        },
        { projector: 'required' },
      );
      output(o.json, results, (r) => table(['projection', 'version', 'schema', 'events', 'seconds', 'events/s'], r.map((x) => [x.name, x.version, x.schema, x.events, x.seconds.toFixed(1), x.eventsPerSecond])));
    });
}
