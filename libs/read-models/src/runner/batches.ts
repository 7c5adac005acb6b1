/**
 * Groups an async iteration into batches: a batch closes when it holds `size` items or when
 * `maxWaitMs` has passed since its first item. A `next()` still pending when a batch closes is
 * kept for the next batch, so nothing is dropped.
 *
 * `catchUpSize` (taken as at least `size`): a batch that held `size` items or more says the source
 * has more waiting (a rebuild, a projector far behind), so the next one may hold up to
 * `catchUpSize` (a large batch closed by the wait at a page boundary of the source stays large);
 * a batch closed by the wait with fewer (the source keeps up with its writers) brings the next one
 * back to `size`.
 */
export async function* batches<T>(source: AsyncIterable<T>, size: number, maxWaitMs: number, catchUpSize = size): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  const next = () => (pending ??= iterator.next());
  const large = Math.max(size, catchUpSize);
  let limit = size;
  for (;;) {
    const first = await next();
    pending = undefined;
    if (first.done) return;
    const batch = [first.value];
    // One timer per batch, not one per item.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'wait'>((r) => (timer = setTimeout(() => r('wait'), maxWaitMs)));
    let done = false;
    try {
      while (batch.length < limit) {
        const result = await Promise.race([next(), deadline]);
        if (result === 'wait') break;
        pending = undefined;
        if (result.done) {
          done = true;
          break;
        }
        batch.push(result.value);
      }
    } finally {
      clearTimeout(timer);
    }
    if (done) {
      yield batch;
      return;
    }
    limit = batch.length >= size ? large : size;
    yield batch;
  }
}
