/**
 * Groups an async iteration into batches: a batch closes when it holds `size` items or when
 * `maxWaitMs` has passed since its first item. A `next()` still pending when a batch closes is
 * kept for the next batch, so nothing is dropped.
 */
export async function* batches<T>(source: AsyncIterable<T>, size: number, maxWaitMs: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  const next = () => (pending ??= iterator.next());
  for (;;) {
    const first = await next();
    pending = undefined;
    if (first.done) return;
    const batch = [first.value];
    const deadline = Date.now() + maxWaitMs;
    while (batch.length < size) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([next(), new Promise<'wait'>((r) => (timer = setTimeout(() => r('wait'), left)))]);
      clearTimeout(timer);
      if (result === 'wait') break;
      pending = undefined;
      if (result.done) {
        yield batch;
        return;
      }
      batch.push(result.value);
    }
    yield batch;
  }
}
