import { batches } from './batches';

/** A source that hands out its items in runs: each run at once, then a pause of `pauseMs` before the next. */
async function* runs(sizes: readonly number[], pauseMs: number): AsyncGenerator<number> {
  let n = 0;
  for (const [i, size] of sizes.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, pauseMs));
    for (let j = 0; j < size; j++) yield ++n;
  }
}

const sizesOf = async (source: AsyncIterable<number>, size: number, waitMs: number, catchUpSize?: number) => {
  const out: number[][] = [];
  for await (const b of batches(source, size, waitMs, catchUpSize)) out.push(b);
  return out;
};

describe('cutting the log into batches', () => {
  it('given 12 events waiting, batches of 2 and no catch-up size, cuts six batches of 2', async () => {
    const out = await sizesOf(runs([12], 0), 2, 50);
    expect(out.map((b) => b.length)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('given 12 events waiting, batches of 2 and a catch-up size of 5, takes 2, then 5 once a batch filled up, then the 5 left', async () => {
    const out = await sizesOf(runs([12], 0), 2, 50, 5);
    // 2 (full: the next may hold 5), 5, 5 = 12.
    expect(out.map((b) => b.length)).toEqual([2, 5, 5]);
    expect(out.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('given a batch closed by the wait, the next one is back to the small size', async () => {
    // Runs of 3, 1 and 8 events, 150 ms apart; a batch waits 30 ms to fill.
    const out = await sizesOf(runs([3, 1, 8], 150), 2, 30, 5);
    // [1,2] full → up to 5: [3] closed by the wait → back to 2: [4] closed by the wait → 2: [5,6] full → 5: [7..11] full → 5: [12].
    expect(out).toEqual([[1, 2], [3], [4], [5, 6], [7, 8, 9, 10, 11], [12]]);
  });

  it('given a large batch closed by the wait with more than the small size in it, the next one stays large', async () => {
    // Runs of 2, 4 and 6 events, 150 ms apart (a source between two pages); a batch waits 30 ms to fill.
    const out = await sizesOf(runs([2, 4, 6], 150), 2, 30, 5);
    // [1,2] full → 5: [3..6] closed by the wait, 4 ≥ 2 → still 5: [7..11] → 5: [12].
    expect(out).toEqual([[1, 2], [3, 4, 5, 6], [7, 8, 9, 10, 11], [12]]);
  });

  it('given a catch-up size below the batch size, never cuts batches smaller than the batch size', async () => {
    const out = await sizesOf(runs([7], 0), 3, 50, 1);
    expect(out.map((b) => b.length)).toEqual([3, 3, 1]);
  });
});
