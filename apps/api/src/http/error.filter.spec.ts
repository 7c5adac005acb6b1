import { StoreTimeout, StoreUnavailable, StreamDeleted } from '@app/event-store';
import { toHttpError } from './error.filter';

describe('toHttpError for the store’s own failures', () => {
  it.each([new StoreTimeout('append to customer-1'), new StoreUnavailable('read of $all')])('answers a transient store failure (%s) with 503 and its code', (err) => {
    const { status, body } = toHttpError(err);
    expect(status).toBe(503);
    expect(body.error.code).toBe(err.code);
  });

  it('keeps other store failures internal (500)', () => {
    expect(toHttpError(new StreamDeleted('customer-1')).status).toBe(500);
  });
});
