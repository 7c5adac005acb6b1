import { command, laterPosition, lastWrittenPosition, readFresh } from './api';

// The browser's fetch stands in for the network here (the API's own answers are covered by its e2e specs).
type Answer = { status: number; body: unknown };
const asked: string[] = [];
let answers: Answer[] = [];
const realFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = (async (url: string) => {
    asked.push(url);
    const a = answers.shift() ?? { status: 200, body: {} };
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  (globalThis as { document?: unknown }).document = { cookie: '' };
});
afterAll(() => {
  globalThis.fetch = realFetch;
  delete (globalThis as { document?: unknown }).document;
});
beforeEach(() => {
  asked.length = 0;
  answers = [];
});
const behind = { status: 503, body: { error: { code: 'READ_MODEL_BEHIND', message: 'the inbox read model has not reached 90/7 yet' } } };

describe('reading your own writes across screens', () => {
  it('orders positions by commit, then by event number', () => {
    expect(laterPosition(undefined, '5/1')).toBe('5/1');
    expect(laterPosition('10/3', '9/40')).toBe('10/3'); // a later commit wins whatever its event number
    expect(laterPosition('10/3', '10/4')).toBe('10/4');
    expect(laterPosition('100/3', '99/3')).toBe('100/3'); // numbers, not strings ("99" > "100" as text)
  });

  it('reads without a position while this tab has recorded nothing', async () => {
    expect(lastWrittenPosition()).toBeUndefined();
    await readFresh('/api/inbox/mine');
    expect(asked).toEqual(['/api/inbox/mine']);
  });

  it('asks every later screen for at least the last position a command answered, and keeps the later of two', async () => {
    answers = [{ status: 201, body: { position: '100/3' } }, { status: 201, body: { position: '99/2' } }];
    await command('/api/customers/H2/transfer-requests', {});
    await command('/api/contacts', {}); // answered after, from an earlier commit
    expect(lastWrittenPosition()).toBe('100/3');
    await readFresh('/api/inbox/mine');
    await readFresh('/api/customers/H2', '100/4'); // a position the caller holds that is later still
    expect(asked.slice(2)).toEqual(['/api/inbox/mine?minPosition=100%2F3', '/api/customers/H2?minPosition=100%2F4']);
  });

  it('asks again while the read model is behind, and after three refusals shows what there is', async () => {
    answers = [behind, { status: 200, body: { items: [1] } }];
    expect(await readFresh('/api/inbox/mine?kind=all')).toEqual({ items: [1] });
    expect(asked).toEqual(['/api/inbox/mine?kind=all&minPosition=100%2F3', '/api/inbox/mine?kind=all&minPosition=100%2F3']);
    asked.length = 0;
    answers = [behind, behind, behind, { status: 200, body: { items: [] } }];
    expect(await readFresh('/api/inbox/mine')).toEqual({ items: [] });
    expect(asked).toEqual([...Array(3).fill('/api/inbox/mine?minPosition=100%2F3'), '/api/inbox/mine']);
  });

  it('passes any other refusal on at once', async () => {
    answers = [{ status: 404, body: { error: { code: 'UNKNOWN_CUSTOMER', message: 'no such customer' } } }];
    await expect(readFresh('/api/customers/X')).rejects.toMatchObject({ status: 404, code: 'UNKNOWN_CUSTOMER' });
    expect(asked).toHaveLength(1);
  });

  it('forgets a position the store never reached (restored or reseeded since) and reads without it', async () => {
    expect(lastWrittenPosition()).toBe('100/3');
    answers = [{ status: 400, body: { error: { code: 'POSITION_AHEAD', message: 'minPosition is beyond anything the store has written' } } }, { status: 200, body: { items: [] } }];
    expect(await readFresh('/api/inbox/mine')).toEqual({ items: [] });
    expect(asked).toEqual(['/api/inbox/mine?minPosition=100%2F3', '/api/inbox/mine']);
    expect(lastWrittenPosition()).toBeUndefined();
    asked.length = 0;
    await readFresh('/api/inbox/mine');
    expect(asked).toEqual(['/api/inbox/mine']);
  });
});
