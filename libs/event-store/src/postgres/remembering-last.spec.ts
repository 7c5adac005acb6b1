import { rememberingLast } from './remembering-last';

describe('rememberingLast', () => {
  it('works an answer out once for a run of the same text, again when the text changes, and again on going back', () => {
    const asked: string[] = [];
    const length = rememberingLast((text) => {
      asked.push(text);
      return text.length;
    });
    expect(['aa', 'aa', 'aa', 'bbb', 'bbb', 'aa', ''].map(length)).toEqual([2, 2, 2, 3, 3, 2, 0]);
    expect(asked).toEqual(['aa', 'bbb', 'aa', '']);
  });

  it('keeps an answer apart from a text that only looks like the last one', () => {
    const big = rememberingLast(BigInt);
    expect([big('9007199254740993'), big('9007199254740992'), big('9007199254740993')]).toEqual([9007199254740993n, 9007199254740992n, 9007199254740993n]);
  });
});
