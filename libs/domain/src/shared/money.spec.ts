import { formatFen, money, toFen } from './money';

describe('money', () => {
  it('parses decimal strings and numbers exactly into fen', () => {
    expect(toFen('1234.56')).toBe(123456);
    expect(toFen('0.1')).toBe(10);
    expect(toFen(0.1)).toBe(10);
    expect(toFen('-5')).toBe(-500);
  });

  it('refuses more than two decimals, NaN and text', () => {
    expect(toFen('1.005')).toBeUndefined();
    expect(toFen(Number.NaN)).toBeUndefined();
    expect(toFen('abc')).toBeUndefined();
    expect(toFen('1e5')).toBeUndefined();
  });

  it('formats fen with two places', () => {
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(-123456)).toBe('-1234.56');
    expect(money(200000)).toBe('200000.00');
  });
});
