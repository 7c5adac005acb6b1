import { withMetadata } from '@app/application';
import type { DomainEvent } from '@app/domain';
import type { EventStore, StreamAppend } from '@app/event-store';
import { api, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { wholeLog } from '../../../../test/support/whole-log';

/**
 * A launch larger than one step of the handler: its customers are read and decided 2,000 at a
 * time (the next 2,000 read meanwhile) and enrolled 2,000 per append, two appends in flight. Cut
 * short after its first append, then sent again, it must end as a launch never interrupted.
 */
const WOMEN = 4_500;
const MEN = 100;
const plan = {
  campaignId: 'K-BIG',
  name: 'Launch across several chunks',
  ownerUnitId: 'BR1',
  productCodes: ['DEP-1Y'],
  channels: ['phone'],
  audience: { genders: ['F'] },
  budget: '5000',
  period: { start: '2026-01-01', end: '2030-01-01' },
  controlGroupPercent: 10,
};

/** Customers of SB1 (under BR1) written straight to the store: 4,500 women in the audience, 100 men outside it. */
async function bank(): Promise<TestApp> {
  const t = await startTestApp();
  await seedOrganisation(t);
  const context = { correlationId: 'bank', actor: 'admin', orgUnit: 'HO', occurredAt: '2026-01-05T23:30:00+08:00' };
  const appends: StreamAppend[] = [];
  for (let i = 0; i < WOMEN + MEN; i++) {
    const customerId = `${i < WOMEN ? 'W' : 'M'}${String(i).padStart(5, '0')}`;
    const onboarded = { type: 'CustomerOnboarded', data: { customerId, homeUnitId: 'SB1', segment: 'retail', gender: i < WOMEN ? 'F' : 'M', birthYear: 1980 } } as DomainEvent;
    appends.push({ streamId: `customer-${customerId}`, events: withMetadata(`customer-${customerId}`, [onboarded], context), expectedRevision: 'no_stream' });
  }
  for (let i = 0; i < appends.length; i += 1_000) await t.runtime.store.appendToStreams(appends.slice(i, i + 1_000));
  const mkt = api(t).as('mkt-br1');
  expect((await mkt.post('/api/campaigns', plan)).status).toBe(201);
  expect((await submitWithPlan(mkt, 'K-BIG')).status).toBe(200);
  expect((await api(t).as('appr-ho').post('/api/campaigns/K-BIG/approve')).status).toBe(200);
  // The launch reads its audience from the customer directory: caught up first.
  await t.runtime.projector!.catchUp(120_000);
  return t;
}

/** The store as a crash would leave it: the launch's first enrolment append stored, every later one lost with the process. */
function crashingAfterTheFirstEnrolmentAppend(inner: EventStore): EventStore {
  let enrolmentAppends = 0;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'appendToStreams') return Reflect.get(target, prop, receiver);
      return async (appends: readonly StreamAppend[]) => {
        if (!appends.some((a) => a.events.some((e) => e.type === 'CustomerEnrolledInCampaign'))) return target.appendToStreams(appends);
        if (++enrolmentAppends > 1) throw new Error('process killed midway through the launch');
        return target.appendToStreams(appends);
      };
    },
  });
}

async function launchFacts(t: TestApp) {
  const all = await wholeLog(t.runtime.store);
  const of = (type: string) => all.filter((e) => e.type === type && (e.data as { campaignId?: string }).campaignId === 'K-BIG');
  return {
    enrolments: of('CustomerEnrolledInCampaign')
      .map((e) => ({ streamId: e.streamId, streamPosition: e.streamPosition, eventId: e.metadata.eventId, group: (e.data as { group: string }).group }))
      .sort((a, b) => a.streamId.localeCompare(b.streamId)),
    launched: of('CampaignLaunched').map((e) => ({ eventId: e.metadata.eventId, data: e.data })),
    budget: of('BudgetCommitted').map((e) => ({ eventId: e.metadata.eventId, data: e.data })),
  };
}

describe('a launch to more customers than one read and one append (4,500)', () => {
  let whole: TestApp;
  let cut: TestApp;
  beforeAll(async () => {
    whole = await bank();
    cut = await bank();
  }, 240_000);
  afterAll(async () => {
    await whole?.close();
    await cut?.close();
  });

  it('enrols every woman once, and when cut short after its first append, finishes equal to a launch never interrupted', async () => {
    const uninterrupted = await api(whole).as('mkt-br1').post('/api/campaigns/K-BIG/launch', {}, { 'idempotency-key': 'first-try' });
    expect(uninterrupted.status).toBe(200);
    expect(uninterrupted.body.audienceSize).toBe(WOMEN);
    const expected = await launchFacts(whole);
    // One enrolment per woman, each the second event of her stream (after onboarding), none for the men.
    expect(expected.enrolments).toHaveLength(WOMEN);
    expect(new Set(expected.enrolments.map((e) => e.streamId)).size).toBe(WOMEN);
    expect(expected.enrolments.every((e) => e.streamId.startsWith('customer-W') && e.streamPosition === 1)).toBe(true);
    const control = expected.enrolments.filter((e) => e.group === 'control').length;
    expect(uninterrupted.body.controlCount).toBe(control);
    expect(expected.launched).toHaveLength(1);
    expect(expected.launched[0]!.data).toMatchObject({ audienceSize: WOMEN, treatmentCount: WOMEN - control, controlCount: control });
    expect(expected.budget).toHaveLength(1);

    const store = cut.runtime.store;
    (cut.runtime as { store: EventStore }).store = crashingAfterTheFirstEnrolmentAppend(store);
    const crashed = await api(cut).as('mkt-br1').post('/api/campaigns/K-BIG/launch', {}, { 'idempotency-key': 'first-try' });
    (cut.runtime as { store: EventStore }).store = store;
    expect(crashed.status).toBe(500);
    const part = await launchFacts(cut);
    // The first append holds the first 2,000 customers' enrolments; the launch and the budget are not written.
    expect(part.enrolments).toHaveLength(2_000);
    expect(part.launched).toHaveLength(0);
    expect(part.budget).toHaveLength(0);

    const resumed = await api(cut).as('mkt-br1').post('/api/campaigns/K-BIG/launch', {}, { 'idempotency-key': 'second-try' });
    expect(resumed.status).toBe(200);
    expect({ audienceSize: resumed.body.audienceSize, controlCount: resumed.body.controlCount }).toEqual({ audienceSize: WOMEN, controlCount: control });
    expect(await launchFacts(cut)).toEqual(expected);
  }, 240_000);
});
