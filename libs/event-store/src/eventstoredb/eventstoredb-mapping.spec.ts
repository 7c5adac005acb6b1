import { ANY, NO_STREAM, STREAM_EXISTS, type ResolvedEvent } from '@eventstore/db-client';
import { fromEsdbCurrentRevision, fromResolvedEvent, splitOutcome, toEsdbExpectedRevision } from './eventstoredb-mapping';

describe('EventStoreDB adapter mapping', () => {
  it('maps each expected revision to the client constant or a bigint', () => {
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
  });

  it('maps the server-reported actual revision, and no_stream to null', () => {
    expect(fromEsdbCurrentRevision(7n)).toBe(7);
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBeNull();
  });

  const resolved = (over: Record<string, unknown>): ResolvedEvent =>
    ({
      event: {
        streamId: 'customer-1',
        id: 'b8f7a0a2-4a33-4a39-9b6b-2b9d1c1d7c11',
        revision: 3n,
        type: 'CustomerContacted',
        data: { customerId: '1' },
        metadata: { actor: 'u1' },
        isJson: true,
        created: new Date('2026-03-01T10:00:00Z'),
        position: { commit: 100n, prepare: 90n },
        ...over,
      },
    }) as unknown as ResolvedEvent;

  it('turns a recorded event into the port shape with its position and revision', () => {
    expect(fromResolvedEvent(resolved({}))).toEqual({
      type: 'CustomerContacted',
      data: { customerId: '1' },
      metadata: { actor: 'u1' },
      streamId: 'customer-1',
      streamPosition: 3,
      position: { commit: 100n, prepare: 90n },
      recordedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('drops system events and system streams', () => {
    expect(fromResolvedEvent(resolved({ type: '$metadata' }))).toBeUndefined();
    expect(fromResolvedEvent(resolved({ streamId: '$stats-127.0.0.1:2113' }))).toBeUndefined();
  });

  it('counts only the parts of a split append that were not stored before', () => {
    // Parts of 3, 3 and 1 events; the first was stored by an earlier attempt: 3 + 1 written.
    expect(splitOutcome([{ events: 3, repeat: true }, { events: 3, repeat: false }, { events: 1, repeat: false }])).toEqual({ written: 4, repeat: false });
    expect(splitOutcome([{ events: 3, repeat: true }, { events: 1, repeat: true }])).toEqual({ written: 0, repeat: true });
    expect(splitOutcome([{ events: 2, repeat: false }, { events: 5, repeat: false }])).toEqual({ written: 7, repeat: false });
  });
});
