import type { z } from 'zod';
import type { EventType } from './event-types';

/** A past version of an event type: its schema, and how its data becomes the next version's. */
export interface OlderVersion {
  readonly schema: z.ZodType;
  readonly upcast: (data: unknown) => unknown;
}

/**
 * The versions before the current one, per event type (version number → schema and upcaster).
 * A type's current version is one more than its newest entry here; without an entry it is 1.
 */
export const OLDER_VERSIONS: Partial<Record<EventType, Readonly<Record<number, OlderVersion>>>> = {};
