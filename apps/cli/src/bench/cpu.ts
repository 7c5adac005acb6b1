import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { Pool } from 'pg';

/** The fields of `/proc/<pid>/stat` after the state and the pid: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime; undefined once gone. */
function procStat(pid: number | string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** The database server's postmaster pid. */
async function postmasterPid(pool: Pool): Promise<number> {
  const dir = (await pool.query<{ d: string }>(`SELECT current_setting('data_directory') AS d`)).rows[0]!.d;
  return Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** The stat fields of the postmaster's children alive now (backends, WAL writer, checkpointer, autovacuum). */
function childrenOf(postmaster: number): { pid: number; stat: string[] }[] {
  const children: { pid: number; stat: string[] }[] = [];
  for (const pid of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    const stat = procStat(pid);
    if (stat && Number(stat[1]) === postmaster) children.push({ pid: Number(pid), stat });
  }
  return children;
}

/** The database server: its postmaster's pid and the stat fields of its children alive now. */
async function databaseServer(pool: Pool): Promise<{ postmaster: number; children: { pid: number; stat: string[] }[] }> {
  const postmaster = await postmasterPid(pool);
  return { postmaster, children: childrenOf(postmaster) };
}

/**
 * With `file`, `perf record` of the whole machine (call graphs, 499 Hz) while `f` runs, written there, and the
 * database server's pids at the end beside it (`file.pids`, comma-separated, for `perf report --pid`); without
 * it, `f` alone. Needs `perf` and leave to sample (root, or `perf_event_paranoid` low enough).
 */
export async function perfRecorded<T>(pool: Pool, file: string | undefined, f: () => Promise<T>): Promise<T> {
  if (!file) return f();
  const perf = spawn('perf', ['record', '-F', '499', '-g', '-a', '-o', file], { stdio: 'ignore' });
  // Listened to from the start: perf missing ('error') or refused (an early exit) must neither kill nor hang the bench.
  const ended = new Promise<void>((resolve) => {
    perf.once('error', (err) => {
      console.error(`perf record failed to start: ${err.message}`);
      resolve();
    });
    perf.once('exit', () => resolve());
  });
  await Promise.race([ended, new Promise((r) => setTimeout(r, 1000))]);
  try {
    return await f();
  } finally {
    try {
      const { postmaster, children } = await databaseServer(pool);
      writeFileSync(`${file}.pids`, [postmaster, ...children.map((c) => c.pid)].join(','));
    } finally {
      if (perf.exitCode === null && perf.signalCode === null) perf.kill('SIGINT');
      await ended;
    }
  }
}

/**
 * CPU seconds the database server has used so far: the postmaster, the children it reaped, and those alive (backends,
 * WAL writer, checkpointer, autovacuum, parallel workers). One consistent reading: a child reaped while the children
 * were being read would be counted twice (alive, and in the postmaster's reaped time), or not at all, and a difference
 * of two readings could come out negative; so the reading is taken again until no child was reaped meanwhile.
 */
export async function databaseCpuSeconds(pool: Pool): Promise<number> {
  const tick = 100; // USER_HZ
  const postmaster = await postmasterPid(pool);
  const reaped = (stat: string[]) => Number(stat[13]) + Number(stat[14]);
  for (let attempt = 1; ; attempt++) {
    const before = procStat(postmaster)!;
    const children = childrenOf(postmaster);
    const after = procStat(postmaster)!;
    // Equal reaped times: no child was reaped while the children were read.
    if (reaped(before) === reaped(after)) {
      let ticks = Number(after[11]) + Number(after[12]) + reaped(after);
      for (const { stat } of children) ticks += Number(stat[11]) + Number(stat[12]);
      return ticks / tick;
    }
    if (attempt === 10) throw new Error('the database server reaped a child during each of 10 readings of its CPU: no consistent reading');
  }
}

/**
 * The server's write counters so far (PostgreSQL 17+): checkpoints (timed, requested) and the buffers they wrote; the
 * WAL (MB, full-page images, waits for a full WAL buffer); and the client backends' own page reads, writes (a dirty
 * buffer evicted by a backend: shared_buffers too small) and evictions. Everything the server counts, all databases.
 */
export async function serverWrites(pool: Pool): Promise<Record<string, number>> {
  // pg_stat_checkpointer and pg_stat_io's evictions came with PostgreSQL 17: an older server gives no counters, not an error.
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT c.num_timed AS "checkpointsTimed", c.num_requested AS "checkpointsRequested", c.buffers_written AS "checkpointBuffers",
            round(w.wal_bytes / 1048576) AS "walMb", w.wal_fpi AS "walFullPages", w.wal_buffers_full AS "walBuffersFull",
            (SELECT coalesce(sum(reads), 0) FROM pg_stat_io WHERE backend_type = 'client backend' AND object = 'relation') AS "backendReads",
            (SELECT coalesce(sum(writes), 0) FROM pg_stat_io WHERE backend_type = 'client backend' AND object = 'relation') AS "backendWrites",
            (SELECT coalesce(sum(evictions), 0) FROM pg_stat_io WHERE backend_type = 'client backend' AND object = 'relation') AS "backendEvictions"
       FROM pg_stat_checkpointer c, pg_stat_wal w`,
  ).catch(() => ({ rows: [{}] as Record<string, string>[] }));
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

/** This process's and the database server's CPU seconds spent while `f` runs, and the server's writes meanwhile (`serverWrites`). */
export async function withCpu<T>(pool: Pool, f: () => Promise<T>): Promise<[T, { nodeCpuSeconds: number; databaseCpuSeconds: number; server: Record<string, number> }]> {
  const db = await databaseCpuSeconds(pool);
  const writes = await serverWrites(pool);
  const node = process.cpuUsage();
  const result = await f();
  const used = process.cpuUsage(node);
  const dbUsed = (await databaseCpuSeconds(pool)) - db;
  // No pause for the backends' I/O counts, which they report at most a second late: the launch bench measures the
  // projection right after the command, and a pause here would leave a second of it out of both windows.
  const after = await serverWrites(pool);
  const server = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (writes[k] ?? 0)]));
  return [result, { nodeCpuSeconds: Math.round((used.user + used.system) / 1e4) / 100, databaseCpuSeconds: Math.round(dbUsed * 100) / 100, server }];
}

/**
 * With `file`, `f` run between the inspector's `start` and `stop` calls (`stop` answers `{ profile }`), the profile
 * written there as JSON; without it, `f` alone.
 */
async function profiled<T>(file: string | undefined, start: [string, object?][], stop: string, f: () => Promise<T>): Promise<T> {
  if (!file) return f();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((ok, fail) => session.post(method, params ?? {}, (err, r) => (err ? fail(err) : ok(r))));
  for (const [method, params] of start) await post(method, params);
  try {
    return await f();
  } finally {
    const { profile } = (await post(stop)) as { profile: object };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

/** With `file`, a V8 CPU profile of this process while `f` runs, written there (`.cpuprofile`, opens in Chrome's DevTools). */
export const cpuProfiled = <T>(file: string | undefined, f: () => Promise<T>): Promise<T> =>
  profiled(file, [['Profiler.enable'], ['Profiler.setSamplingInterval', { interval: 500 }], ['Profiler.start']], 'Profiler.stop', f);

/**
 * With `file`, a sampling heap profile of this process while `f` runs, written there (`.heapprofile`, opens in
 * Chrome's DevTools): every sampled allocation, the ones the garbage collector took back before the end too, so it
 * ranks what allocates most, not what stays.
 */
export const heapSampled = <T>(file: string | undefined, f: () => Promise<T>): Promise<T> =>
  profiled(
    file,
    [['HeapProfiler.enable'], ['HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }]],
    'HeapProfiler.stopSampling',
    f,
  );

/**
 * The garbage collector's pauses of this thread while counting (ms, summed): scavenges of the young generation
 * (minor) and the rest (mark-compact, incremental marking steps, weak callbacks). Its helper threads' work shows only
 * in the process's CPU time.
 */
export function gcPauses(): { stop(): { minorMs: number; otherMs: number; scavenges: number } } {
  const totals = { minorMs: 0, otherMs: 0, scavenges: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const minor = (e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR;
      if (minor) {
        totals.minorMs += e.duration;
        totals.scavenges++;
      } else totals.otherMs += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      return { minorMs: Math.round(totals.minorMs), otherMs: Math.round(totals.otherMs), scavenges: totals.scavenges };
    },
  };
}
