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
 * full collections at 93–150 MB and a peak RSS of 241 MB. At 1M events the rebuild's peak RSS went
 * 399–405 → 257 MB for the same CPU (README, "What holds a rebuild's memory"). So at most 2× where
 * rebuilds run: `campaignctl replay`, the projector process, and the API when it runs the projector
 * (the embedded default). A launch to 100,000 customers costs about the same CPU with it (`bench.js
 * --launch-sizes 100000`, ten and eleven runs alternating: the command 11.88 against 11.81 CPU s,
 * this process and the database; this process alone 4.28 against 3.95) for a peak RSS of 305–349
 * instead of 424–587 MB. Not everywhere: the
 * CLI's demo seed (20,000 customers, a larger heap that lives long) used about 10% more CPU with it
 * (57.5 against 51.7 s, two pairs) for 429–463 instead of 599–615 MB, so `campaignctl seed` keeps
 * V8's own factor (the API's first-start seed, in the process that projects, does not).
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets the old generation's growth for this process (its worker threads share V8's flags). V8 reads
 * the flag whenever a full collection sets the next limit, so setting it once the process runs takes
 * effect from that collection on; a `--heap-growing-percent` given on the command line wins.
 */
export function boundHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  if (process.execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
