/**
 * The demo seed's own record of its run, on a stream of its own: started (with what it was asked
 * for), then completed. A start whose seed began but never completed (Ctrl-C, kill -9 on a first
 * start) holds a half-built bank: the next start sees it and says how to start over.
 */
export const DEMO_SEED_STREAM = 'demo-seed';

export type DemoSeedEvent =
  | { type: 'DemoSeedStarted'; data: { seed: number; customers: number; months: number; end: string } }
  | { type: 'DemoSeedCompleted'; data: { seed: number } };

/** Where a store's demo seed stands, from its stream: none ran, one is half-built, or it finished. */
export type DemoSeedStatus = 'none' | 'interrupted' | 'completed';

export function demoSeedStatus(events: readonly { type: string }[]): DemoSeedStatus {
  if (events.some((e) => e.type === 'DemoSeedCompleted')) return 'completed';
  return events.some((e) => e.type === 'DemoSeedStarted') ? 'interrupted' : 'none';
}
