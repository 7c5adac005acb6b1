/**
 * Exact decimals for money, points and the rates applied to them: a decimal is held as an integer
 * count of its smallest unit (fen, hundredths of a point, ten-thousandths of a weight), and a
 * product of two is cut back to a unit by rounding half up (half away from zero), never by binary
 * floating point. 0.35 CNY × 1.5 = 0.525 points → 0.53.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * `value` as an integer count of 10^-places units, rounded half up when it has more places: "1.5"
 * with 4 places → 15000n. A number is read by its shortest decimal form (0.2 → "0.2"), so what was
 * written is what is counted. Throws a RangeError on anything that is not a plain finite decimal.
 */
export function toScaled(value: string | number, places: number): bigint {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? plain(value) : '') : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  const fraction = m[3] ?? '';
  const digits = BigInt(m[2]! + fraction.padEnd(places, '0').slice(0, places));
  const rest = fraction.slice(places);
  const rounded = rest !== '' && rest[0]! >= '5' ? digits + 1n : digits;
  return m[1] ? -rounded : rounded;
}

/** A number's decimal digits without an exponent (1e-7 → "0.0000001"). */
function plain(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** a / b rounded half up (half away from zero): halfUpDivide(525n, 10n) = 53n, halfUpDivide(-525n, 10n) = -53n. */
export function halfUpDivide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero');
  const negative = a < 0n !== b < 0n;
  const [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  const q = (2n * x + y) / (2n * y);
  return negative ? -q : q;
}

/** An integer count of hundredths as a number with two places at most (52 → 0.52): for answers only, never to compute with. */
export const fromHundredths = (hundredths: number | bigint | string): number => Number(hundredths) / 100;
