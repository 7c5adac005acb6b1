import type { EventType } from './event-types';
import { OLDER_VERSIONS } from './older-versions';

/**
 * Stored versions that kept free text about a customer in the log (see `freeText` in
 * `older-versions.ts`), and the two ways it leaves the log: erasure rewrites such an event to the
 * next version naming no note (the text is gone), import writes the next version naming a vault
 * note that holds the text.
 */
export interface LegacyFreeText {
  readonly type: EventType;
  readonly schemaVersion: number;
  readonly field: string;
  readonly note: string;
  /** Whether this event's field holds text (not a code); absent: always. */
  readonly holdsText?: (data: unknown) => boolean;
}

export const LEGACY_FREE_TEXT: readonly LegacyFreeText[] = Object.entries(OLDER_VERSIONS).flatMap(([type, versions]) =>
  Object.entries(versions ?? {}).flatMap(([v, older]) => (older.freeText ? [{ type: type as EventType, schemaVersion: Number(v), ...older.freeText }] : [])),
);

const find = (type: string, schemaVersion: number) => LEGACY_FREE_TEXT.find((l) => l.type === type && l.schemaVersion === schemaVersion);

/** The event as erasure leaves it: the next version, its note `null`, the text nowhere. */
export function withoutFreeText(type: string, schemaVersion: number, data: unknown): { readonly data: unknown; readonly schemaVersion: number } {
  const legacy = find(type, schemaVersion);
  if (!legacy) throw new RangeError(`${type} version ${schemaVersion} keeps no free text`);
  return { data: OLDER_VERSIONS[legacy.type]![schemaVersion]!.upcast(data), schemaVersion: schemaVersion + 1 };
}

export interface FreeTextMoved {
  /** The next version's data, naming `noteId` when there was text about a customer to keep. */
  readonly data: unknown;
  readonly schemaVersion: number;
  /** The customer and the text to keep as their note; `null` when the text is about no customer (campaign feedback) or empty. */
  readonly note: { readonly customerId: string; readonly noteId: string; readonly text: string } | null;
}

/** For import: a legacy version's text goes to the customer's vault as `noteId`; `null` for any other event. */
export function moveFreeTextToNote(type: string, schemaVersion: number, data: unknown, noteId: string): FreeTextMoved | null {
  const legacy = find(type, schemaVersion);
  if (!legacy) return null;
  const next = withoutFreeText(type, schemaVersion, data);
  const { customerId, [legacy.field]: text } = data as { customerId?: string | null } & Record<string, unknown>;
  if (!customerId || typeof text !== 'string' || text === '' || (legacy.holdsText && !legacy.holdsText(data))) return { ...next, note: null };
  return { data: { ...(next.data as object), [legacy.note]: noteId }, schemaVersion: next.schemaVersion, note: { customerId, noteId, text } };
}
