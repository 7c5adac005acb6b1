import type { CommandBus } from '@nestjs/cqrs';
import { businessMonth, type Actor, type Organisation } from '@app/domain';
import { deterministicUuid, type CommandContext } from '@app/application';
import type { Runtime } from '@app/platform';
import { addMonths, at, monthsBefore } from './calendar';
import { CustomerBatch } from './customer-batch';
import { demoBank, type DemoBank } from './demo-bank';
import { Random } from './random';
import type { SeedOptions, SeedProgress } from './seed-types';

/** Who sets the bank up: units, staff, products, targets. */
export const ADMIN: Actor = { userId: 'admin', unitId: 'HO', role: 'admin' };

/** An amount as commands carry it: a decimal string with two places. */
export const money = (n: number): string => (Math.round(n * 100) / 100).toFixed(2);

/**
 * What every step of the seed shares. The history is deterministic because there is one `Random`
 * and one counter for idempotency keys (event ids derive from them): the steps must run, draw and
 * send in the same order on every run, so they take this object rather than making their own.
 */
export interface SeedContext {
  readonly runtime: Runtime;
  readonly options: SeedOptions;
  readonly rnd: Random;
  readonly bank: DemoBank;
  /** Customer commands are decided here and appended in batches, not sent one by one on the bus. */
  readonly batch: CustomerBatch;
  /** The first month of the history (YYYY-MM), and every month up to `end` (exclusive). */
  readonly first: string;
  readonly end: string;
  readonly months: readonly string[];
  /** The day before the history starts, when the admin sets the bank up. */
  readonly setUp: string;
  /** Customer-months to do (customers × months, plus onboarding), for progress. */
  readonly total: number;
  /** The next command's context; its key `seed:<seed>:<n>` is what makes event ids repeat. */
  context(actor: Actor, occurredAt: string): CommandContext;
  /** Executes on the CommandBus and counts the events it wrote (by default, the result's `events`). */
  send<T = unknown>(command: unknown, countEvents?: (result: T) => number): Promise<T>;
  /** Ids of contacts, offers, complaints, referrals and sales: `<prefix>-<n in base 36>`. */
  nextId(prefix: string): string;
  progress(phase: string, done: number): void;
  events(): number;
  stopIfAborted(): void;
}

/** The context once the organisation exists: commands carry it and staff act in it. */
export interface Seeding extends SeedContext {
  readonly org: Organisation;
  actor(staffId: string): Actor;
}

const eventsOf = (result: unknown): number => (result as { events?: readonly unknown[] } | undefined)?.events?.length ?? 0;

export function createSeedContext(runtime: Runtime, bus: CommandBus, options: SeedOptions, onProgress: (p: SeedProgress) => void): SeedContext {
  const end = options.end ?? businessMonth(new Date());
  const first = addMonths(end, -options.months);
  const batch = new CustomerBatch(runtime.store, options.batchSize);
  const total = options.customers * (options.months + 1);
  let counter = 0;
  let seq = 0;
  let busEvents = 0;
  const events = () => batch.appended + busEvents;
  return {
    runtime,
    options,
    rnd: new Random(options.seed),
    bank: demoBank(),
    batch,
    first,
    end,
    months: monthsBefore(end, options.months),
    setUp: at(addMonths(first, -1), 28),
    total,
    context(actor, occurredAt) {
      const key = `seed:${options.seed}:${counter++}`;
      return { correlationId: deterministicUuid(key), actor: actor.userId, orgUnit: actor.unitId, occurredAt, idempotencyKey: key };
    },
    async send<T>(command: unknown, countEvents: (result: T) => number = eventsOf) {
      const result = (await bus.execute(command as never)) as T;
      busEvents += countEvents(result);
      return result;
    },
    nextId: (prefix) => `${prefix}-${(++seq).toString(36).toUpperCase()}`,
    progress: (phase, done) => onProgress({ phase, done, total, events: events() }),
    events,
    stopIfAborted() {
      if (options.signal?.aborted) throw new Error('seeding stopped');
    },
  };
}

/** Adds the organisation; the context's functions close over their counters, so spreading keeps them shared. */
export function withOrganisation(s: SeedContext, org: Organisation): Seeding {
  const actor = (staffId: string): Actor => {
    const member = org.staff.get(staffId)!;
    return { userId: member.staffId, unitId: member.unitId, role: member.role };
  };
  return { ...s, org, actor };
}
