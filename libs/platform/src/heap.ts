import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection found alive, as a
 * percentage (`--heap-growing-percent`: the limit is live × (1 + this / 100)).
 *
 * Without it V8 picks a factor of up to 4 when its collector is cheap against the program's work,
 * which it is in a rebuild: a batch's events, effects and statements outlive a scavenge or two, so
 * they are promoted to the old generation and die there, and it fills with them until 4× the live
 * heap. Measured (2026-12-07, issue 13, `projections.bench.js --blue-green`, `--trace-gc`): at 100k
 * events a full collection found 69 MB alive in a 252 MB old generation (peak RSS 348 MB); with 2×,
 * full collections at 114–150 MB and a peak RSS of 241 MB, each of them 10–45 ms of marking on a
 * helper thread. So at most 2×, in every process of ours (a full collection of the API's small live
 * heap is cheap as well).
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets the old generation's growth for this process (its worker threads share V8's flags). V8 reads
 * the flag whenever a full collection sets the next limit, so setting it once the process runs takes
 * effect from that collection on; a `--heap-growing-percent` given on the command line wins.
 */
export function boundHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  if (process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
