import { EventStoreDbEventStore, type EventStore, type RecordedEvent, type StreamAppend } from '@app/event-store';
import { UPCASTERS, upcastWith } from '@app/domain';
import { FakeEventStoreDb } from '../../../../libs/event-store/src/eventstoredb/fake-eventstoredb';
import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { wholeLog } from '../../../../test/support/whole-log';

/**
 * Issue 16 item 5: a launch is resumable and idempotent on every adapter. A launch that crashes
 * after half its enrolments, then is sent again (a new request, with another Idempotency-Key),
 * must end exactly as a launch that was never interrupted: the same customers in the same groups
 * with the same event ids, the budget committed once, the same CampaignLaunched.
 */
const plan = {
  campaignId: 'K-R',
  name: 'Resume drive',
  ownerUnitId: 'BR1',
  productCodes: ['DEP-1Y'],
  channels: ['phone'],
  audience: { genders: ['F'] },
  budget: '5000',
  period: { start: '2026-01-01', end: '2030-01-01' },
  controlGroupPercent: 25,
};

type Adapter = 'postgres' | 'eventstoredb (stand-in)';

async function bank(adapter: Adapter): Promise<TestApp> {
  const t = await startTestApp(
    {},
    adapter === 'postgres' ? {} : { store: () => new EventStoreDbEventStore(new FakeEventStoreDb().client, upcastWith<RecordedEvent>(UPCASTERS)) },
  );
  await seedOrganisation(t);
  // Ten women in the audience, two men outside it.
  for (let i = 0; i < 10; i++) await seedCustomer(t, `W${i}`, { gender: 'F' });
  for (let i = 0; i < 2; i++) await seedCustomer(t, `M${i}`, { gender: 'M' });
  const mkt = api(t).as('mkt-br1');
  await mkt.post('/api/campaigns', plan);
  await submitWithPlan(mkt, 'K-R');
  await api(t).as('appr-ho').post('/api/campaigns/K-R/approve');
  return t;
}

/** The store as a crash would leave it: the first half of a launch's enrolment streams appended, then the process gone. */
function crashingAfterHalfTheEnrolments(inner: EventStore): EventStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'appendToStreams') return Reflect.get(target, prop, receiver);
      return async (appends: readonly StreamAppend[]) => {
        const enrolments = appends.filter((a) => a.events.some((e) => e.type === 'CustomerEnrolledInCampaign'));
        if (enrolments.length === 0) return target.appendToStreams(appends);
        await target.appendToStreams(enrolments.slice(0, Math.floor(enrolments.length / 2)));
        throw new Error('process killed midway through the launch');
      };
    },
  });
}

/** Sends the launch while the store crashes after half its enrolments, then puts the store back. */
async function launchThatCrashesHalfway(t: TestApp, idempotencyKey: string) {
  const store = t.runtime.store;
  (t.runtime as { store: EventStore }).store = crashingAfterHalfTheEnrolments(store);
  try {
    return await api(t).as('mkt-br1').post('/api/campaigns/K-R/launch', {}, { 'idempotency-key': idempotencyKey });
  } finally {
    (t.runtime as { store: EventStore }).store = store;
  }
}

async function launchFacts(t: TestApp) {
  const all = await wholeLog(t.runtime.store);
  const of = (type: string) => all.filter((e) => e.type === type && (e.data as { campaignId?: string }).campaignId === 'K-R');
  const enrolments = of('CustomerEnrolledInCampaign').map((e) => ({ streamId: e.streamId, eventId: e.metadata.eventId, data: e.data }));
  return {
    enrolments: enrolments.sort((a, b) => a.streamId.localeCompare(b.streamId)),
    launched: of('CampaignLaunched').map((e) => ({ eventId: e.metadata.eventId, data: e.data })),
    budget: of('BudgetCommitted').map((e) => ({ eventId: e.metadata.eventId, data: e.data })),
  };
}

describe.each<Adapter>(['postgres', 'eventstoredb (stand-in)'])('a launch cut short after half its enrolments, on %s', (adapter) => {
  let whole: TestApp;
  let cut: TestApp;
  beforeAll(async () => {
    whole = await bank(adapter);
    cut = await bank(adapter);
  }, 60_000);
  afterAll(async () => {
    await whole?.close();
    await cut?.close();
  });

  it('completes when sent again, equal to a launch never interrupted, and enrols nobody twice', async () => {
    const uninterrupted = await api(whole).as('mkt-br1').post('/api/campaigns/K-R/launch', {}, { 'idempotency-key': 'first-try' });
    expect(uninterrupted.status).toBe(200);

    expect((await launchThatCrashesHalfway(cut, 'first-try')).status).toBe(500);
    const half = await launchFacts(cut);
    // 10 in the audience, the crash kept floor(10 / 2) = 5 enrolments and nothing else.
    expect(half.enrolments).toHaveLength(5);
    expect(half.launched).toHaveLength(0);
    expect(half.budget).toHaveLength(0);

    // The client tries again, as a new request.
    const resumed = await api(cut).as('mkt-br1').post('/api/campaigns/K-R/launch', {}, { 'idempotency-key': 'second-try' });
    expect(resumed.status).toBe(200);
    expect({ audienceSize: resumed.body.audienceSize, controlCount: resumed.body.controlCount, excluded: resumed.body.excluded }).toEqual({
      audienceSize: uninterrupted.body.audienceSize,
      controlCount: uninterrupted.body.controlCount,
      excluded: uninterrupted.body.excluded,
    });
    expect(resumed.body.audienceSize).toBe(10);

    const expected = await launchFacts(whole);
    const actual = await launchFacts(cut);
    expect(expected.enrolments).toHaveLength(10);
    expect(actual).toEqual(expected);

    // Once launched, a third try is refused and appends nothing.
    const third = await api(cut).as('mkt-br1').post('/api/campaigns/K-R/launch', {}, { 'idempotency-key': 'third-try' });
    expect(third.status).toBe(409);
    expect(await launchFacts(cut)).toEqual(expected);
  });
});

describe('a launch cut short, resumed after some of the customers it enrolled left the audience', () => {
  let cut: TestApp;
  beforeAll(async () => {
    cut = await bank('postgres');
  }, 60_000);
  afterAll(async () => {
    await cut?.close();
  });

  it('counts every customer enrolled, in the group they got, and refuses a resume with another seed', async () => {
    expect((await launchThatCrashesHalfway(cut, 'first-try')).status).toBe(500);
    const half = await launchFacts(cut);
    expect(half.enrolments).toHaveLength(5);

    // Since the crash, one enrolled customer opted out of the campaign's only channel and another was erased:
    // today's audience leaves both out, their enrolments stand.
    const [optedOut, erased] = half.enrolments.map((e) => e.data as { customerId: string; group: string });
    expect((await api(cut).as('rm1').post(`/api/customers/${optedOut!.customerId}/consents`, { channel: 'phone', granted: false })).status).toBe(200);
    expect((await api(cut).as('admin').post(`/api/customers/${erased!.customerId}/erasure`, { reason: 'customer_request' })).status).toBe(200);

    // Another seed than the first attempt's (which defaulted to the campaign id) is refused and appends nothing.
    const reseeded = await api(cut).as('mkt-br1').post('/api/campaigns/K-R/launch', { randomisationSeed: 'another-seed' }, { 'idempotency-key': 'reseeded' });
    expect(reseeded.status).toBe(409);
    expect(reseeded.body.error.code).toBe('RANDOMISATION_SEED_DIFFERS');
    expect(await launchFacts(cut)).toEqual(half);

    const resumed = await api(cut).as('mkt-br1').post('/api/campaigns/K-R/launch', {}, { 'idempotency-key': 'second-try' });
    expect(resumed.status).toBe(200);
    const facts = await launchFacts(cut);
    // 5 enrolled before the crash (2 of them out of today's audience) + the 5 women not yet enrolled = 10 participants.
    expect(facts.enrolments).toHaveLength(10);
    const control = facts.enrolments.filter((e) => (e.data as { group: string }).group === 'control').length;
    // Participants = treatment + control, counted from the enrolment events themselves.
    expect(resumed.body.audienceSize).toBe(10);
    expect(resumed.body.controlCount).toBe(control);
    expect(facts.launched).toHaveLength(1);
    expect(facts.launched[0]!.data).toMatchObject({ audienceSize: 10, treatmentCount: 10 - control, randomisationSeed: 'K-R' });
  });
});
