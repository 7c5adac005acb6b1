import { describeEventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * Runs live against the EventStoreDB (KurrentDB) server at EVENTSTORE_URL, e.g.
 * `EVENTSTORE_URL=esdb://localhost:2113?tls=false npm test` with `docker compose up eventstore`.
 */
const url = process.env.EVENTSTORE_URL;

if (url) {
  describeEventStoreContract('eventstoredb', async () => {
    const store = EventStoreDbEventStore.connect(url);
    return { store, atomicMultiStreamAppend: false, cleanup: () => store.close() };
  });
} else {
  describe('EventStore contract: eventstoredb', () => {
    // Visible in the run's output: this suite needs a server that cannot run on this machine.
    it.skip('runs only when EVENTSTORE_URL points at an EventStoreDB server (not set: skipped)', () => undefined);
  });
}
