import type { z } from 'zod';
import { invalid } from '@app/domain';

/**
 * Parses a request body with its schema; unknown fields, wrong types and bad values are a 400
 * `VALIDATION_FAILED` listing every problem with its path.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  throw invalid('VALIDATION_FAILED', `invalid request: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
}
