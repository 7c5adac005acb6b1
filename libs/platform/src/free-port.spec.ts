import { createServer } from 'node:net';
import { ephemeralRangeStart, freePort } from './embedded-postgres';

/**
 * freePort picks a port for a server started a moment later. The kernel puts the local end of
 * outgoing connections in its ephemeral range (32768-60999 on Linux by default), so a port from
 * there can be taken in between, even by a client reconnecting to it while its server is down.
 */
describe('freePort', () => {
  it('gives ports below the ephemeral range, each of which a server can then listen on', async () => {
    const low = ephemeralRangeStart();
    expect(low).toBeGreaterThan(10_000);
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low);
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
      await new Promise((r) => server.close(r));
    }
  });
});
