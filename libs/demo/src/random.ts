import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Seeded randomness for the demo history (pure-rand's xoroshiro128+): the same seed, the same bank. */
export class Random {
  private readonly g: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.g);
  }

  int(min: number, max: number): number {
    return uniformInt(this.g, min, max);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let x = this.float() * total;
    for (const [value, w] of choices) if ((x -= w) < 0) return value;
    return choices[choices.length - 1]![0];
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.float())) * Math.cos(2 * Math.PI * this.float());
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto with scale `min` and shape `alpha` (heavy tail for the wealthiest customers). */
  pareto(min: number, alpha: number): number {
    return min / Math.pow(1 - this.float(), 1 / alpha);
  }
}
