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

describe('toHttpError while the database is away', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a lost connection as the cause', new Error('query failed', { cause: new Error('Connection terminated unexpectedly') })],
  ])('answers %s with 503 DATABASE_UNAVAILABLE', (_what, err) => {
    expect(toHttpError(err)).toEqual({ status: 503, body: { error: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String), details: {} } } });
  });

  it('keeps a query the server refused for itself internal (500)', () => {
    expect(toHttpError(pgError('42P01', 'relation "x" does not exist')).status).toBe(500);
    expect(toHttpError(pgError('23505', 'duplicate key value violates unique constraint')).status).toBe(500);
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
