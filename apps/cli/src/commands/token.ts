import type { Command } from 'commander';
import { CliError, currentOrganisation, usage, withRuntime } from '../cli-runtime';
import { output } from '../output';

/** `campaignctl token --user <id>`: a bearer token for a known staff member, signed with this installation's key. */
export function tokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint an API bearer token for a staff member (signed with JWT_SECRET, or the key under DATA_DIR/keys)')
    .requiredOption('--user <staffId>', 'the staff member the token acts for')
    .option('--ttl-hours <hours>', 'validity in hours (default TOKEN_TTL_HOURS, 8)')
    .option('--json', 'print {token, userId, role, unitId, expiresAt}')
    .action(async (o: { user: string; ttlHours?: string; json?: boolean }) => {
      const ttlHours = o.ttlHours === undefined ? undefined : Number(o.ttlHours);
      if (ttlHours !== undefined && !(ttlHours > 0 && ttlHours <= 24 * 30)) throw usage('--ttl-hours is a number of hours, above 0 and at most 720');
      const answer = await withRuntime(async (runtime) => {
        const staff = (await currentOrganisation(runtime)).staff.get(o.user);
        if (!staff) throw new CliError(`no staff member ${o.user} (see GET /api/org for who exists)`);
        if (staff.active === false) throw new CliError(`${o.user} is deactivated`);
        const { token, claims } = runtime.tokens.issue(staff.staffId, { ttlHours });
        return { token, userId: staff.staffId, role: staff.role, unitId: staff.unitId, expiresAt: claims.expiresAt.toISOString() };
      });
      output(o.json, answer, () => `${answer.token}\n`);
    });
}
