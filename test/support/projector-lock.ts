import { Client } from 'pg';

/**
 * Takes the projector lock away from the process holding it on database `url`, as a database
 * restart with another process quicker to the lock would: a second session queues for the lock,
 * then the holder's session is ended, so the queued one gets it before the holder can take it again.
 * Returns the session now holding the lock (end it to free the lock).
 */
export async function takeProjectorLockAway(url: string): Promise<Client> {
  const admin = new Client({ connectionString: url });
  const waiter = new Client({ connectionString: url });
  await admin.connect();
  await waiter.connect();
  try {
    // The projector's lock only (a session advisory lock on hashtext of its name), not the bus's or a customer's.
    const held = `SELECT l.pid, l.granted FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND l.objsubid = 1 AND l.objid = (hashtext('campaign-platform projector')::bigint & 4294967295)::oid`;
    const { rows } = await admin.query<{ pid: number; granted: boolean }>(`${held} AND l.granted`);
    if (rows.length !== 1) throw new Error(`expected one session holding the projector lock, found ${rows.length}`);
    const { rows: mine } = await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const taken = waiter.query(`SELECT pg_advisory_lock(hashtext('campaign-platform projector'))`);
    // The waiter must be queued before the holder's session ends, or the holder could take the lock back.
    for (let i = 0; ; i++) {
      const { rows: queued } = await admin.query(`${held} AND NOT l.granted AND l.pid = $1`, [mine[0]!.pid]);
      if (queued.length) break;
      if (i > 200) throw new Error('the second session never queued for the projector lock');
      await new Promise((r) => setTimeout(r, 25));
    }
    await admin.query(`SELECT pg_terminate_backend($1)`, [rows[0]!.pid]);
    await taken;
    return waiter;
  } catch (err) {
    await waiter.end();
    throw err;
  } finally {
    await admin.end();
  }
}
