import { SingleBar } from 'cli-progress';

export interface Progress {
  /** Sets the count done so far (and the total, once known); `events` when the unit counted is not events. */
  update(done: number, total?: number, events?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr (cli-progress): done / total, events per second and the time left.
 * Drawn only on a terminal; in pipes and CI it stays quiet and stdout keeps only the answer.
 */
export function progress(label: string, total = 0, unit = 'events'): Progress {
  const started = Date.now();
  const bar = new SingleBar({
    format: unit === 'events' ? `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}` : `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {events} events, {rate} events/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
    fps: 5,
    noTTYOutput: false,
  });
  let running = false;
  const rate = (done: number) => Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
  return {
    update(done, newTotal, events) {
      if (!running) {
        bar.start(newTotal ?? total, 0, { rate: 0, events: 0 });
        running = true;
      }
      if (newTotal !== undefined) bar.setTotal(newTotal);
      bar.update(done, { rate: rate(events ?? done), events: events ?? done });
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
