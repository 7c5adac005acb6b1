/**
 * Groups an async iteration of pages (arrays of items, as a subscription's `pages()` hands them
 * out) into batches: a batch closes when it holds `size` items or when `maxWaitMs` has passed since
 * its first item. A page is split where a batch fills up, its rest starting the next batch; a
 * `next()` still pending when a batch closes is kept for the next batch, so nothing is dropped. One
 * promise (and, while a batch is not full, one race against its timer) per page, not per item.
 *
 * `catchUpSize` (taken as at least `size`): a batch that held `size` items or more says the source
 * has more waiting (a rebuild, a projector far behind), so the next one may hold up to
 * `catchUpSize` (a large batch closed by the wait at a page boundary of the source stays large);
 * a batch closed by the wait with fewer (the source keeps up with its writers) brings the next one
 * back to `size`.
 *
 * `ended` (the source was closed): no batch begins once it says so, so the rest of a page already
 * taken is not handed out after a close (the consumer subscribes again from its own position).
 */
export async function* batches<T>(source: AsyncIterable<readonly T[]>, size: number, maxWaitMs: number, catchUpSize = size, ended: () => boolean = () => false): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<readonly T[]>> | undefined;
  const next = () => (pending ??= iterator.next());
  const large = Math.max(size, catchUpSize);
  let limit = size;
  /** The page being taken from, and how far. */
  let page: readonly T[] = [];
  let at = 0;
  /** Moves items of the current page into `batch` until it holds `limit`. */
  const take = (batch: T[]) => {
    const end = Math.min(page.length, at + limit - batch.length);
    for (; at < end; at++) batch.push(page[at]!);
    // A page taken whole is let go (a rebuild's pages hold 10,000 events each).
    if (at === page.length) {
      page = [];
      at = 0;
    }
  };
  for (;;) {
    if (ended()) return;
    const batch: T[] = [];
    // The first item: the rest of the last page, or the next page that has one.
    while (at === page.length) {
      const first = await next();
      pending = undefined;
      if (first.done) return;
      page = first.value;
      at = 0;
    }
    take(batch);
    let done = false;
    if (batch.length < limit) {
      // One timer per batch that waits, from its first item.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'wait'>((r) => (timer = setTimeout(() => r('wait'), maxWaitMs)));
      try {
        while (batch.length < limit) {
          const result = await Promise.race([next(), deadline]);
          if (result === 'wait') break;
          pending = undefined;
          if (result.done) {
            done = true;
            break;
          }
          page = result.value;
          at = 0;
          take(batch);
        }
      } finally {
        clearTimeout(timer);
      }
    }
    if (done) {
      yield batch;
      return;
    }
    limit = batch.length >= size ? large : size;
    yield batch;
  }
}

/**
 * The most events a projection tries in one transaction since the server cancelled one of its tries
 * (57014: a statement_timeout too small for it, say): `size`; the smallest try it cancelled, not tried
 * again while remembered: `ceiling`; how many tries of `size` committed since it last changed: `commits`;
 * and when the last cancel was (`since`, ms).
 */
export interface BatchLimit {
  readonly size: number;
  readonly ceiling: number;
  readonly commits: number;
  readonly since: number;
}

/** Tries of the limit's size that commit before it grows by a quarter. */
export const GROW_AFTER = 4;
/** How long after its last cancel a limit is forgotten, whatever committed meanwhile (the cause, a lock held or a timeout, may have gone). */
export const FORGET_AFTER_MS = 10 * 60_000;

/**
 * The limit after a projection's last try at `now` (`undefined`: no limit, the batches as `batches`
 * cuts them). A try of `cancelled` events halves what was tried (at least 1) and remembers it as the
 * ceiling: the next batches are not tried at the size that timed out, paying the timeout and its
 * retries each batch. A single event cancelled alone says nothing of size and leaves the limit.
 * Every `GROW_AFTER` commits of tries as large as the limit grow it by a quarter (at least 1), but
 * never to the ceiling: it stops one under it. The limit is lifted once it reaches `most` (the largest
 * batch cut), and forgotten `FORGET_AFTER_MS` after the last cancel, so a cancel that came from a
 * passing cause (a lock wait) does not cap a later catch-up. Under a timeout that stays too small the
 * attempts and backoff are paid while the size halves to one that passes, and again after each
 * forgetting: a few times in ten minutes, not every batch. A commit smaller than the limit proves
 * nothing about it and leaves it.
 */
export function batchLimitAfter(
  limit: BatchLimit | undefined,
  tried: { readonly cancelled: number } | { readonly committed: number },
  most: number,
  now: number,
): BatchLimit | undefined {
  if (limit && now - limit.since >= FORGET_AFTER_MS) limit = undefined;
  if ('cancelled' in tried) {
    if (tried.cancelled <= 1) return limit;
    return { size: Math.max(1, Math.min(limit?.size ?? Infinity, Math.floor(tried.cancelled / 2))), ceiling: Math.min(limit?.ceiling ?? Infinity, tried.cancelled), commits: 0, since: now };
  }
  if (limit === undefined || tried.committed < limit.size) return limit;
  const commits = limit.commits + 1;
  if (commits < GROW_AFTER) return { ...limit, commits };
  const grown = Math.min(limit.size + Math.max(1, Math.floor(limit.size / 4)), limit.ceiling - 1);
  if (grown >= most) return undefined;
  return grown > limit.size ? { ...limit, size: grown, commits: 0 } : { ...limit, commits };
}
