#!/usr/bin/env node
/**
 * `campaignctl`: the analysts' command line (seed, replay, kpi, scorecard, whatif, export, import,
 * bench). The commands arrive with the analyst work; this entry point answers --help.
 */
const usage = `Usage: campaignctl <command> [options]

Commands (being built; see the open issues):
  seed        write a demo history through the command side
  replay      rebuild read models blue/green
  kpi         campaign figures, optionally as of a date or under another attribution
  scorecard   staff and unit scorecards for a period
  whatif      recompute history under another rule set
  export      event history as NDJSON or CSV
  import      append events from a file
  bench       benchmarks (available: campaignctl bench [--quick])
`;

const [command, ...rest] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h') {
  process.stdout.write(usage);
  process.exit(0);
}
if (command === 'bench') {
  if (rest.includes('--help')) {
    process.stdout.write('Usage: campaignctl bench [--quick] [--out DIR]\n  append, command path, projector rebuild (with the naive baseline), queries and growth; reports in DIR (default bench/results)\n');
    process.exit(0);
  }
  process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
  require('./bench/bench');
} else {
  process.stderr.write(`campaignctl: '${command}' is not available yet\n`);
  process.exit(2);
}
