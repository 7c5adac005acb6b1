import type { EventStore, RecordedEvent } from '@app/event-store';
import { OrganisationView } from './organisation-view';

/**
 * A read of the organisation stream under way when an event is appended, and a caller that comes
 * after the append (its request was answered for that event, e.g. a new staff member or a token
 * revocation): it must see the event, not share the read that began before it.
 */
function heldStore() {
  const log: RecordedEvent[] = [];
  const held: (() => void)[] = [];
  let hold = false;
  let reads = 0;
  const store = {
    async readStream(_: string, from = 0) {
      reads++;
      const answer = log.slice(from);
      if (hold) await new Promise<void>((r) => held.push(r));
      return answer;
    },
  } as unknown as EventStore;
  const opened = (unitId: string, streamPosition: number) =>
    ({ type: 'OrgUnitOpened', data: { unitId, name: unitId, level: 'head_office', parentId: null, wealthCentre: false }, streamPosition }) as unknown as RecordedEvent;
  return {
    store,
    append: (unitId: string) => log.push(opened(unitId, log.length)),
    holdReads: (on: boolean) => (hold = on),
    release: () => held.splice(0).forEach((r) => r()),
    reads: () => reads,
  };
}

describe('OrganisationView: a caller sees every event written before it asked', () => {
  it('given a read under way from before an append, when a caller asks after the append, then it gets a later read that has the event', async () => {
    const s = heldStore();
    s.append('HO');
    const view = new OrganisationView(s.store);
    await view.current();
    s.holdReads(true);
    const early = view.current(); // reads the stream as it was: HO only
    await new Promise((r) => setImmediate(r));
    s.append('BR1'); // written (and answered) while that read is still under way
    const late = view.current();
    s.holdReads(false);
    s.release();
    expect([...(await early).units.keys()]).toEqual(['HO']);
    expect([...(await late).units.keys()].sort()).toEqual(['BR1', 'HO']);
  });

  it('given several callers during one read, when it ends, then they share one next read (no read per caller)', async () => {
    const s = heldStore();
    s.append('HO');
    const view = new OrganisationView(s.store);
    s.holdReads(true);
    const first = view.current();
    await new Promise((r) => setImmediate(r));
    s.append('BR1');
    const waiting = [view.current(), view.current(), view.current()];
    s.holdReads(false);
    s.release();
    await first;
    const seen = await Promise.all(waiting);
    for (const org of seen) expect([...org.units.keys()].sort()).toEqual(['BR1', 'HO']);
    expect(s.reads()).toBe(2);
  });
});
