import { DEMO_SEED_STREAM, demoSeedStatus, ORGANISATION_STREAM, organisationDecider, type DemoSeedEvent, type OrganisationCommand } from '@app/domain';
import { DecideOnStream, deterministicUuid, OrganisationView, withMetadata } from '@app/application';
import type { Runtime } from '@app/platform';
import { DEMO_PRODUCTS } from '../demo-bank';
import { ADMIN, withOrganisation, type SeedContext, type Seeding } from '../seeding';

type OrganisationIntent = Record<string, unknown> & { type: OrganisationCommand['type'] };

/** What to do about a half-built demo bank, in words a newcomer can follow. */
export const START_OVER =
  'a demo seed was interrupted (Ctrl-C or a kill during the first start): the store holds a half-built bank that will not be finished. ' +
  'To start over: stop the product, delete DATA_DIR (default ./.data; with DATABASE_URL, drop and recreate that database), then `npm start` again';

/** Whether the store holds a demo seed that began but never finished (`none` when no seed ran). */
export async function seedStatus(runtime: Runtime) {
  return demoSeedStatus(await runtime.store.readStream(DEMO_SEED_STREAM));
}

/** A second seed on top of a first would mix two banks: refuse before writing anything. */
export async function requireEmptyStore(runtime: Runtime): Promise<void> {
  if ((await seedStatus(runtime)) === 'interrupted') throw new Error(START_OVER);
  if ((await runtime.store.readStream(ORGANISATION_STREAM)).length > 0) {
    throw new Error('the store already holds an organisation: seed an empty store (a fresh DATA_DIR or database)');
  }
}

/** The admin acts on the organisation the day before the history starts. */
const asAdmin = (s: SeedContext, c: OrganisationIntent) =>
  s.send(new DecideOnStream(ORGANISATION_STREAM, organisationDecider, { ...c, at: s.setUp, by: ADMIN } as OrganisationCommand, s.context(ADMIN, s.setUp)));

/** The bank: units, staff and products; the rest of the seed acts in the organisation read back. */
export async function openBank(s: SeedContext): Promise<Seeding> {
  for (const u of s.bank.units) await asAdmin(s, { type: 'OpenOrgUnit', ...u });
  for (const member of s.bank.staff) await asAdmin(s, { type: 'RegisterStaffMember', ...member });
  for (const p of DEMO_PRODUCTS) {
    await asAdmin(s, { type: 'DefineProduct', productCode: p.productCode, name: p.name, category: p.category, riskLevel: p.riskLevel, riskBearing: p.riskBearing, weight: p.weight });
  }
  return withOrganisation(s, await new OrganisationView(s.runtime.store).current());
}

/** Monthly targets for the Shanghai sub-branches, which the deposit drive pays on attainment. */
export async function setTargets(s: Seeding): Promise<void> {
  const points = String(Math.max(100, Math.round(s.options.customers * 0.75)));
  for (const month of s.months) {
    for (const sb of s.bank.subBranches.filter((x) => x.branchId === 'BR-SH')) {
      await asAdmin(s, { type: 'SetTarget', subjectId: sb.unitId, period: month, points });
    }
  }
}

/** The seed's run record: event ids from the seed and the mark, so the same seed writes the same record. */
export async function markSeed(s: SeedContext, type: 'DemoSeedStarted' | 'DemoSeedCompleted'): Promise<void> {
  const { seed, customers, months } = s.options;
  const key = `seed:${seed}:${type}`;
  const context = { correlationId: deterministicUuid(key), actor: ADMIN.userId, orgUnit: ADMIN.unitId, occurredAt: s.setUp, idempotencyKey: key };
  const event: DemoSeedEvent = type === 'DemoSeedStarted' ? { type, data: { seed, customers, months, end: s.end } } : { type, data: { seed } };
  await s.runtime.store.appendToStream(DEMO_SEED_STREAM, withMetadata(DEMO_SEED_STREAM, [event], context), type === 'DemoSeedStarted' ? 'no_stream' : 0);
}
