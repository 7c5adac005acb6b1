import { createLogger } from './logger';

/** Issue 16, item 14: logs were JSON lines in a terminal too. */
describe('log lines', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, stream: { write: (chunk: string) => void lines.push(...String(chunk).split('\n').filter(Boolean)) } };
  };

  it('are short pretty lines on a terminal: time, level, message and fields, no JSON', () => {
    const { lines, stream } = capture();
    createLogger('info', stream, { tty: true }).info({ route: '/api/org', status: 200 }, 'request');
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: request /);
    expect(lines[0]).toContain('"route":"/api/org"');
    expect(lines[0]).not.toMatch(/pid|hostname|campaign-platform/);
  });

  it('are JSON objects, one per line, anywhere else', () => {
    const { lines, stream } = capture();
    createLogger('info', stream, { tty: false }).info({ route: '/api/org', status: 200 }, 'request');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'request', route: '/api/org', status: 200, service: 'campaign-platform' });
  });
});
