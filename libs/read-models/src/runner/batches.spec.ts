import { batches, batchLimitAfter, type BatchLimit } from './batches';

/**
 * A source that hands out its items in runs, each run at once, in pages of `pageSize` items (the
 * whole run as one page without it), then a pause of `pauseMs` before the next run.
 */
async function* runs(sizes: readonly number[], pauseMs: number, pageSize = Infinity): AsyncGenerator<number[]> {
  let n = 0;
  for (const [i, size] of sizes.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, pauseMs));
    const run = Array.from({ length: size }, () => ++n);
    for (let j = 0; j < run.length; j += pageSize) yield run.slice(j, j + pageSize);
  }
}

const sizesOf = async (source: AsyncIterable<number[]>, size: number, waitMs: number, catchUpSize?: number) => {
  const out: number[][] = [];
  for await (const b of batches(source, size, waitMs, catchUpSize)) out.push(b);
  return out;
};

describe.each([
  ['pages of one item', 1],
  ['each run one page', Infinity],
])('cutting the log into batches, %s', (_, pageSize) => {
  it('given 12 events waiting, batches of 2 and no catch-up size, cuts six batches of 2', async () => {
    const out = await sizesOf(runs([12], 0, pageSize), 2, 50);
    expect(out.map((b) => b.length)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('given 12 events waiting, batches of 2 and a catch-up size of 5, takes 2, then 5 once a batch filled up, then the 5 left', async () => {
    const out = await sizesOf(runs([12], 0, pageSize), 2, 50, 5);
    // 2 (full: the next may hold 5), 5, 5 = 12.
    expect(out.map((b) => b.length)).toEqual([2, 5, 5]);
    expect(out.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('given a batch closed by the wait, the next one is back to the small size', async () => {
    // Runs of 3, 1 and 8 events, 150 ms apart; a batch waits 30 ms to fill.
    const out = await sizesOf(runs([3, 1, 8], 150, pageSize), 2, 30, 5);
    // [1,2] full → up to 5: [3] closed by the wait → back to 2: [4] closed by the wait → 2: [5,6] full → 5: [7..11] full → 5: [12].
    expect(out).toEqual([[1, 2], [3], [4], [5, 6], [7, 8, 9, 10, 11], [12]]);
  });

  it('given a large batch closed by the wait with more than the small size in it, the next one stays large', async () => {
    // Runs of 2, 4 and 6 events, 150 ms apart (a source between two pages); a batch waits 30 ms to fill.
    const out = await sizesOf(runs([2, 4, 6], 150, pageSize), 2, 30, 5);
    // [1,2] full → 5: [3..6] closed by the wait, 4 ≥ 2 → still 5: [7..11] → 5: [12].
    expect(out).toEqual([[1, 2], [3, 4, 5, 6], [7, 8, 9, 10, 11], [12]]);
  });

  it('given a catch-up size below the batch size, never cuts batches smaller than the batch size', async () => {
    const out = await sizesOf(runs([7], 0, pageSize), 3, 50, 1);
    expect(out.map((b) => b.length)).toEqual([3, 3, 1]);
  });
});

describe('cutting pages into batches', () => {
  it('given a page larger than a batch, splits it and starts the next batch with its rest', async () => {
    // One page of 7, batches of 3 (no catch-up size): 3, 3, then the 1 left.
    const out = await sizesOf(runs([7], 0), 3, 50);
    expect(out).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('given a page split across a batch boundary, the batch holding its rest waits for the next page and takes part of it', async () => {
    // Pages [1..5] and, 20 ms later, [6,7,8]; batches of 2, catch-up 4, a batch waits 500 ms to fill.
    // [1,2] full → up to 4: [3,4,5] (the first page's rest) waits, takes 6 from the next page → [3,4,5,6];
    // [7,8] (that page's rest) waits for a page that never comes: the source ends.
    const out = await sizesOf(runs([5, 3], 20), 2, 500, 4);
    expect(out).toEqual([[1, 2], [3, 4, 5, 6], [7, 8]]);
  });

  it('given a live page arriving while a batch waits, adds it to that batch', async () => {
    // A live tail: [1], then [2,3] 20 ms later, then [4] 20 ms after that; batches of 10 waiting 300 ms.
    const out = await sizesOf(runs([1, 2, 1], 20), 10, 300);
    expect(out).toEqual([[1, 2, 3, 4]]);
  });

  it('given a page arriving after a batch closed by the wait, keeps it for the next batch', async () => {
    // [1] and, 150 ms later, [2,3]; a batch waits 30 ms: the read still pending when [1] closes is not lost.
    const out = await sizesOf(runs([1, 2], 150), 10, 30);
    expect(out).toEqual([[1], [2, 3]]);
  });

  it('given empty pages, starts no batch with them and drops nothing', async () => {
    async function* withEmpty(): AsyncGenerator<number[]> {
      yield [];
      yield [1, 2, 3];
      yield [];
      yield [4];
    }
    const out = await sizesOf(withEmpty(), 2, 50);
    expect(out).toEqual([[1, 2], [3, 4]]);
  });
});

describe('cutting the log into batches after the source was closed', () => {
  it('given a page of 10 and batches of 3, once the source says it was closed after the first batch, hands out nothing more of that page', async () => {
    let closed = false;
    const out: number[][] = [];
    for await (const b of batches(runs([10], 0), 3, 20, 3, () => closed)) {
      out.push(b);
      closed = true;
    }
    // Without the check the rest of the page already taken would still come out: [4,5,6], [7,8,9], [10].
    expect(out).toEqual([[1, 2, 3]]);
  });
});

/**
 * The size a projection applies at after the server cancelled a batch (57014 on every attempt: a
 * statement_timeout too small for it). Largest batch cut: 500 (the `most`). GROW_AFTER 4, FORGET_AFTER_MS 10 minutes.
 * Times in ms from an arbitrary 0.
 */
describe('the batch limit after a cancel', () => {
  const at = (size: number, ceiling: number, commits = 0, since = 0): BatchLimit => ({ size, ceiling, commits, since });
  const MINUTE = 60_000;
  /** `n` commits of tries as large as the limit each time, at `now`. */
  const commitsOf = (limit: BatchLimit | undefined, n: number, now = MINUTE) => {
    for (let i = 0; i < n; i++) limit = batchLimitAfter(limit, { committed: limit!.size }, 500, now);
    return limit;
  };

  it('given no limit, when a batch of 500 is cancelled at t, then the next ones hold at most 250, with 500 the ceiling, since t', () => {
    expect(batchLimitAfter(undefined, { cancelled: 500 }, 500, 7)).toEqual(at(250, 500, 0, 7));
  });

  it('given a limit of 250 under 500, when a part of 250 is cancelled too, then 125 under 250; halving stops at 1', () => {
    expect(batchLimitAfter(at(250, 500, 3), { cancelled: 250 }, 500, MINUTE)).toEqual(at(125, 250, 0, MINUTE));
    // 3 → 1 (half of 3 rounded down), never 0: one event at a time still goes on.
    expect(batchLimitAfter(undefined, { cancelled: 3 }, 500, 0)).toEqual(at(1, 3));
  });

  it('given a limit, when a single event is cancelled alone, then the limit is left as it was (a lock wait says nothing of size)', () => {
    expect(batchLimitAfter(at(250, 500, 2), { cancelled: 1 }, 500, MINUTE)).toEqual(at(250, 500, 2));
    expect(batchLimitAfter(undefined, { cancelled: 1 }, 500, MINUTE)).toBeUndefined();
  });

  it('given a limit of 250, when a smaller batch of 40 is cancelled, then half of what was tried, 20, under 40', () => {
    expect(batchLimitAfter(at(250, 500), { cancelled: 40 }, 500, MINUTE)).toEqual(at(20, 40, 0, MINUTE));
  });

  it('given a limit of 250 under 500, when 4 parts of 250 commit, then it grows by a quarter to 312; a commit of 100 leaves it', () => {
    // 3 commits: counted, not grown; the 4th: 250 + floor(250 / 4) = 312, counting again from 0.
    expect(commitsOf(at(250, 500), 3)).toEqual(at(250, 500, 3));
    expect(commitsOf(at(250, 500), 4)).toEqual(at(312, 500));
    expect(batchLimitAfter(at(250, 500, 3), { committed: 100 }, 500, MINUTE)).toEqual(at(250, 500, 3));
  });

  it('given a limit of 1 under 20, when parts of the limit commit, then it grows by at least one every 4: 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 18, then 19 and no further', () => {
    const seen: number[] = [];
    let limit: BatchLimit | undefined = at(1, 20);
    for (let i = 0; i < 12; i++) {
      seen.push(limit!.size);
      limit = commitsOf(limit, 4);
    }
    // + max(1, floor(n / 4)): +1 up to 8, 8→10, 10→12, 12→15, 15→18; 18 + 4 = 22 reaches the ceiling 20: one under it, 19.
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 18]);
    expect(limit).toEqual(at(19, 20));
    // Under the ceiling it stays, however many commits (within ten minutes of the cancel).
    expect(commitsOf(limit, 2000)!.size).toBe(19);
  });

  it('given a limit from a cancel at 0, when anything is tried ten minutes later, then the limit is forgotten first (a lock wait does not cap a later catch-up)', () => {
    // A commit of 40 at 9:59 leaves {250, 500}; at 10:00 the limit is gone: a commit says so, a cancel starts a new one.
    expect(batchLimitAfter(at(250, 500), { committed: 40 }, 500, 10 * MINUTE - 1)).toEqual(at(250, 500));
    expect(batchLimitAfter(at(250, 500), { committed: 40 }, 500, 10 * MINUTE)).toBeUndefined();
    expect(batchLimitAfter(at(20, 40), { cancelled: 500 }, 500, 10 * MINUTE)).toEqual(at(250, 500, 0, 10 * MINUTE));
  });

  it('given a limit of 400 under no ceiling in the way, when 4 parts of 400 commit, then it is lifted (400 + 100 reaches the 500 cut)', () => {
    expect(commitsOf(at(400, Infinity), 4)).toBeUndefined();
  });

  it('given no limit, when a batch commits, then there is still none', () => {
    expect(batchLimitAfter(undefined, { committed: 500 }, 500, MINUTE)).toBeUndefined();
  });
});
