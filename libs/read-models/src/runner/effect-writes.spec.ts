import { arrayLiteral } from './effect-writes';

/** A row of a batch as the runner holds it: the column is read from each item, not from an array of values. */
interface Item {
  readonly id: string;
  readonly v: unknown;
}
const items = (...values: unknown[]): Item[] => values.map((v, i) => ({ id: `c${i}`, v }));

describe('a column of a batch as the text of an array literal', () => {
  it('given numbers, booleans and nulls, writes their text unquoted and NULL for a missing value', () => {
    // 7, -0.5, 1e21 (JavaScript writes 1e+21), NaN, true, false, null, undefined, a bigint.
    expect(arrayLiteral(items(7, -0.5, 1e21, NaN, true, false, null, undefined, 12345678901234567890n), (x) => x.v)).toBe(
      '{7,-0.5,1e+21,NaN,true,false,NULL,NULL,12345678901234567890}',
    );
  });

  it('quotes only the text the array syntax would misread: empty, the word null in any case, braces, commas, quotes, backslashes, white space', () => {
    const text = ['SB1', '2026-03-01T16:30:00.000Z', '', 'null', 'NuLl', 'nulls', '{a}', 'a,b', 'say "hi"', 'C:\\x', 'two words', '北京', '\t'];
    // Each quoted one hand-escaped: a quote and a backslash take a backslash before them.
    expect(arrayLiteral(items(...text), (x) => x.v)).toBe('{SB1,2026-03-01T16:30:00.000Z,"","null","NuLl",nulls,"{a}","a,b","say \\"hi\\"","C:\\\\x","two words",北京,"\t"}');
  });

  it('reads each item through the function given (a key column of the rows)', () => {
    expect(arrayLiteral(items(1, 2, 3), (x) => x.id)).toBe('{c0,c1,c2}');
    expect(arrayLiteral([], (x: Item) => x.id)).toBe('{}');
  });

  it('leaves values holding an object to the driver, as the array of the values', () => {
    const at = new Date('2026-03-01T16:30:00.000Z');
    expect(arrayLiteral(items('a', at, null), (x) => x.v)).toEqual(['a', at, null]);
  });
});
