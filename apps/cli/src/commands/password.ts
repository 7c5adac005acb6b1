import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { passwordProblem } from '@app/platform';
import { CliError, currentOrganisation, withRuntime } from '../cli-runtime';
import { output } from '../output';

/** Letters and digits without the look-alikes (0/O, 1/l/I), so a password read aloud is typed right. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function oneTimePassword(length = 14): string {
  for (;;) {
    const candidate = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    if (passwordProblem('', candidate) === null) return candidate;
  }
}

/**
 * `campaignctl password --user <id>`: gives a staff member a fresh random one-time password (the
 * same as an admin's POST /api/auth/staff/:id/one-time-password), printed once on stdout and stored
 * only as its hash; they must change it at first sign-in. Lifts a lockout.
 */
export function passwordCommand(program: Command): void {
  program
    .command('password')
    .description('set a random one-time password for a staff member (printed once); they change it at first sign-in')
    .requiredOption('--user <staffId>', 'the staff member')
    .option('--json', 'print {userId, oneTimePassword}')
    .action(async (o: { user: string; json?: boolean }) => {
      const answer = await withRuntime(async (runtime) => {
        const staff = (await currentOrganisation(runtime)).staff.get(o.user);
        if (!staff) throw new CliError(`no staff member ${o.user} (see GET /api/org for who exists)`);
        if (staff.active === false) throw new CliError(`${o.user} is deactivated`);
        const password = oneTimePassword();
        await runtime.credentials.setOneTimePassword(staff.staffId, password);
        return { userId: staff.staffId, oneTimePassword: password };
      });
      output(o.json, answer, () => `${answer.oneTimePassword}\n`);
    });
}
