import { Command, CommanderError } from 'commander';
import { tokenCommand } from './commands/token';
import { passwordCommand } from './commands/password';
import { transferCommands } from './commands/transfer';
import { seedCommand } from './commands/seed';
import { replayCommand } from './commands/replay';
import { kpiCommand } from './commands/kpi';
import { whatifCommand } from './commands/whatif';
import { scorecardCommand } from './commands/scorecard';
import { describeError } from './cli-runtime';

/**
 * `campaignctl`: the analysts' and operators' command line. Each command lives in
 * `commands/<name>.ts`; exit codes: 0 done, 1 failed, 2 used wrongly.
 */
export function createProgram(): Command {
  const program = new Command('campaignctl')
    .description('Event-sourced campaign platform: seed, replay, kpi, scorecard, whatif, export, import, token, bench')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  tokenCommand(program);
  passwordCommand(program);
  transferCommands(program);
  seedCommand(program);
  replayCommand(program);
  kpiCommand(program);
  whatifCommand(program);
  scorecardCommand(program);
  program
    .command('bench')
    .description('benchmarks: append, command path, projector rebuild (with the naive baseline), queries, growth')
    .option('--quick', 'small sizes (a minute)')
    .option('--sizes <list>', 'history sizes in customers, e.g. 100000,300000')
    .option('--out <dir>', 'where the reports go', 'bench/results')
    .action((o: { quick?: boolean; sizes?: string; out: string }) => {
      process.argv = [process.argv[0]!, process.argv[1]!, ...(o.quick ? ['--quick'] : []), ...(o.sizes ? ['--sizes', o.sizes] : []), '--out', o.out];
      require('./bench/bench');
    });
  return program;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes have printed their message.
      return err.exitCode === 0 ? 0 : 2;
    }
    const { message, exitCode } = describeError(err);
    process.stderr.write(`campaignctl: ${message}\n`);
    return exitCode;
  }
}
