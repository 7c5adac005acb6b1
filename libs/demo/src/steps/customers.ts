import type { RiskLevel } from '@app/domain';
import { addMonths, at } from '../calendar';
import { ADMIN, money, type Seeding } from '../seeding';
import { customerCommand, type Profile } from './profile';

/** Customers drawn from the wealthy tail: DOMAIN.md's reference bank has 1.69% VIP holding 48% of the assets. */
const VIP_SHARE = 0.015;
const CHANNELS = ['phone', 'sms', 'app', 'branch', 'email'] as const;
/** The share of customers who accept each channel; the rest opt out of it (contact is opt-out). */
const ACCEPTS = { phone: 0.85, sms: 0.7, app: 0.45, branch: 0.95, email: 0.2 };

/** Where the customer banks, how rich they are, what they hold, their risk tolerance and channels. */
function drawCustomer(s: Seeding, i: number, width: number): { p: Profile; vip: boolean } {
  const { rnd, bank } = s;
  // Every fourth sub-branch (the first of each branch) is busier.
  const sb = bank.subBranches[rnd.weighted(bank.subBranches.map((_, k) => [k, 1 + (k % 4 === 0 ? 1 : 0)] as const))]!;
  const vip = rnd.chance(VIP_SHARE);
  // A heavy tail for the VIPs, a capped log-normal for everyone else.
  const assets = vip ? Math.min(rnd.pareto(230_000, 1.15), 80_000_000) : Math.min(rnd.logNormal(7_000, 1.15), 150_000);
  const holdings = new Set<string>(['DEP-3M']);
  if (rnd.chance(vip ? 0.7 : 0.25)) holdings.add('DEP-1Y');
  if (rnd.chance(vip ? 0.4 : 0.12)) holdings.add('FUND-EQ');
  if (rnd.chance(vip ? 0.3 : 0.04)) holdings.add('WM-R2');
  if (rnd.chance(vip ? 0.8 : 0.35)) holdings.add('EBANK');
  const tolerance = rnd.chance(vip ? 0.95 : 0.7) ? rnd.weighted<RiskLevel>([['R1', 20], ['R2', 30], ['R3', 30], ['R4', 15], ['R5', 5]]) : null;
  const channels = CHANNELS.filter((ch) => rnd.chance(ACCEPTS[ch]));
  const p: Profile = {
    id: `C-${String(i + 1).padStart(width, '0')}`, homeUnitId: sb.unitId, managers: sb.managers, head: `head-${sb.unitId.slice(3).replace('-', '').toLowerCase()}`,
    assets, holdings, tolerance, channels: [...channels], leaver: false,
  };
  return { p, vip };
}

/** The first days of the history: onboarding, opt-outs, risk profile, perhaps a manager, last month's balance. */
function onboard(s: Seeding, p: Profile, vip: boolean, i: number): void {
  const { rnd } = s;
  const head = s.actor(p.head);
  const day = at(s.first, 1 + (i % 5), 9, i % 60);
  customerCommand(s, p, head, day, {
    type: 'OnboardCustomer', segment: vip && p.assets > 1_000_000 ? 'private' : 'retail', gender: rnd.weighted([['F', 49], ['M', 50], ['U', 1]] as const),
    birthYear: rnd.int(1945, 2004), assetsByUnit: { [p.homeUnitId]: money(p.assets) },
  });
  // Every channel is open until the customer opts out: record the ones they do not accept.
  for (const ch of CHANNELS.filter((x) => !p.channels.includes(x))) customerCommand(s, p, head, day, { type: 'SetConsent', channel: ch, granted: false });
  if (p.tolerance) customerCommand(s, p, head, day, { type: 'AssessRisk', tolerance: p.tolerance });
  if (vip || rnd.chance(0.35)) customerCommand(s, p, head, day, { type: 'AssignManager', staffId: rnd.pick(p.managers) });
  // Last month's balance, so tiers hold from the first day of the history: from the core-banking feed (admin).
  customerCommand(s, p, ADMIN, day, { type: 'RecordBalanceSnapshot', month: addMonths(s.first, -1), averageDailyAssets: money(p.assets), holdings: [...p.holdings].sort() });
}

/** A few customers with personal data in the vault, so the customer view shows what it can. */
async function putPersonalData(s: Seeding, profiles: readonly Profile[]): Promise<void> {
  for (const p of profiles.slice(0, Math.min(50, profiles.length))) {
    const digits = p.id.replace(/\D/g, '');
    await s.runtime.vault.put(p.id, { name: `演示客户 Demo ${p.id}`, phone: `+86 138 ${digits.padStart(8, '0').slice(-8, -4)} ${digits.padStart(4, '0').slice(-4)}` });
  }
}

/** The customers, onboarded in the first days of the history. */
export async function onboardCustomers(s: Seeding): Promise<Profile[]> {
  const profiles: Profile[] = [];
  const width = String(s.options.customers).length;
  for (let i = 0; i < s.options.customers; i++) {
    s.stopIfAborted();
    const { p, vip } = drawCustomer(s, i, width);
    profiles.push(p);
    onboard(s, p, vip, i);
    await s.batch.maybeFlush();
    if (i % 500 === 0) s.progress('customers', i);
  }
  await putPersonalData(s, profiles);
  return profiles;
}
