import { ServiceUnavailableException } from '@nestjs/common';

/**
 * History replays (as-of, attribution) run a few at a time in this process, and one person holds at
 * most `perUser` of them: one marketer cannot keep the analysts at 503. A replay that would exceed
 * either limit answers 503 REPLAYS_BUSY at once. `started` counts the replays begun (for tests and
 * the logs).
 */
export class ReplaySlots {
  private running = 0;
  private readonly byUser = new Map<string, number>();
  started = 0;

  constructor(
    readonly total: number,
    readonly perUser: number,
  ) {}

  run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const mine = this.byUser.get(userId) ?? 0;
    if (mine >= this.perUser) {
      throw new ServiceUnavailableException({ code: 'REPLAYS_BUSY', message: `you have ${mine} history replay${mine === 1 ? '' : 's'} running; wait for it to finish`, details: { limit: 'per-user', perUser: this.perUser } });
    }
    if (this.running >= this.total) {
      throw new ServiceUnavailableException({ code: 'REPLAYS_BUSY', message: `${this.total} history replays are running; try again in a minute`, details: { limit: 'total', total: this.total } });
    }
    this.running++;
    this.byUser.set(userId, mine + 1);
    this.started++;
    const release = () => {
      this.running--;
      const left = (this.byUser.get(userId) ?? 1) - 1;
      if (left > 0) this.byUser.set(userId, left);
      else this.byUser.delete(userId);
    };
    return work().finally(release);
  }
}
