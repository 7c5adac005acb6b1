/**
 * Money is CNY, exact to the fen. Events carry amounts as decimal strings with two places
 * ("1234.50"); arithmetic happens on integer fen. Binary floats never hold money.
 */
export type Fen = number;

const DECIMAL = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/;

/** Parses "1234.5" / "1234.56" / 1234.56 into fen; `undefined` when it is not an exact amount. */
export function toFen(value: string | number): Fen | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

export function formatFen(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The amount in a decimal string, normalised to two places. */
export const money = (value: string | number): string => {
  const fen = toFen(value);
  if (fen === undefined) throw new RangeError(`not an amount: ${JSON.stringify(value)}`);
  return formatFen(fen);
};
