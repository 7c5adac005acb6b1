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
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    if (rows.length !== 1) throw new Error(`expected one session holding the projector lock, found ${rows.length}`);
    const taken = waiter.query(`SELECT pg_advisory_lock(hashtext('campaign-platform projector'))`);
    await new Promise((r) => setTimeout(r, 100));
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
