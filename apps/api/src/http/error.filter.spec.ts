import { StoreTimeout, StoreUnavailable, StreamDeleted } from '@app/event-store';
import { ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import { createLogger } from '@app/platform';
import { ErrorFilter, toHttpError } from './error.filter';

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

describe('ErrorFilter logging', () => {
  const filterWithLog = () => {
    const lines: Record<string, unknown>[] = [];
    const filter = new ErrorFilter(createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }));
    const res = { locals: {} as Record<string, unknown>, status: () => res, json: () => res, setHeader: () => res };
    const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
    return { lines, raise: (err: unknown) => filter.catch(err, host) };
  };

  it.each([
    ['a read model behind', new ServiceUnavailableException({ code: 'READ_MODEL_BEHIND', message: 'not yet' })],
    ['replays busy', new ServiceUnavailableException({ code: 'REPLAYS_BUSY', message: 'busy' })],
    ['the store away', new StoreUnavailable('read of $all')],
  ])('logs a 503 (%s) as one warn line with its code and no stack', (_what, err) => {
    const { lines, raise } = filterWithLog();
    raise(err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'service unavailable' });
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|\n\s+at /);
  });

  it('keeps the stack of an internal error (500) at error level', () => {
    const { lines, raise } = filterWithLog();
    raise(new Error('boom'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', err: { message: 'boom' } });
    expect(JSON.stringify(lines[0])).toContain('stack');
  });
});
