import type { z } from 'zod';
import { CAMPAIGN_EVENT_SCHEMAS } from './campaign.schemas';
import { CUSTOMER_EVENT_SCHEMAS } from './customer.schemas';
import { BUDGET_EVENT_SCHEMAS, POINTS_EVENT_SCHEMAS, VIP_CARD_EVENT_SCHEMAS } from './money.schemas';
import { DEMO_SEED_EVENT_SCHEMAS, ORGANISATION_EVENT_SCHEMAS } from './organisation.schemas';
import { OLDER_VERSIONS } from './older-versions';
import type { DataOf, EventType } from './event-types';

/**
 * The current schema of every event type: one entry per type the deciders' unions name (the
 * compiler refuses a missing or an extra one), each parsing to that type's data.
 */
const CURRENT = {
  ...CUSTOMER_EVENT_SCHEMAS,
  ...CAMPAIGN_EVENT_SCHEMAS,
  ...ORGANISATION_EVENT_SCHEMAS,
  ...BUDGET_EVENT_SCHEMAS,
  ...VIP_CARD_EVENT_SCHEMAS,
  ...POINTS_EVENT_SCHEMAS,
  ...DEMO_SEED_EVENT_SCHEMAS,
} satisfies { [T in EventType]: z.ZodType<DataOf<T>> };

/** And the other way: every value of a type's data fits its schema (no schema narrower than its type). */
type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;
type Fits<T extends EventType> = Writable<DataOf<T>> extends z.input<(typeof CURRENT)[T]> ? true : false;
const _everyTypeFits: { [T in EventType]: Fits<T> } = Object.fromEntries(Object.keys(CURRENT).map((t) => [t, true])) as { [T in EventType]: true };
void _everyTypeFits;

/** The name of every event type the catalogue knows (what a command answer's `events` lists). */
export const EVENT_TYPES = Object.keys(CURRENT) as [EventType, ...EventType[]];

export interface DataProblem {
  /** Where in the event: `data.gender`, `type`, `metadata.schemaVersion`. */
  readonly field: string;
  /** What fits there, in words. */
  readonly expected: string;
}

const isKnown = (type: string): type is EventType => Object.prototype.hasOwnProperty.call(CURRENT, type);

/** The types with older versions, and the version each is written at now (worked out once: every decided event asks). */
const CURRENT_VERSIONS = new Map(Object.entries(OLDER_VERSIONS).map(([type, older]) => [type, Math.max(...Object.keys(older).map(Number)) + 1]));

/** The version a type is written at now: the newest in the catalogue. */
export function currentSchemaVersion(type: string): number {
  return CURRENT_VERSIONS.get(type) ?? 1;
}

function schemaAt(type: EventType, version: number): z.ZodType | undefined {
  if (version === currentSchemaVersion(type)) return CURRENT[type];
  return OLDER_VERSIONS[type]?.[version]?.schema;
}

/**
 * Whether an event's data fits the schema of its type at the version it was written in; the
 * first problem otherwise. Import refuses a file on it, and every decided event is held to it.
 */
export function checkEventData(type: string, schemaVersion: number, data: unknown): DataProblem | null {
  if (!isKnown(type)) return { field: 'type', expected: 'an event type of the catalogue (unknown type)' };
  const schema = Number.isInteger(schemaVersion) ? schemaAt(type, schemaVersion) : undefined;
  if (!schema) return { field: 'metadata.schemaVersion', expected: `a version of ${type} the catalogue has (1..${currentSchemaVersion(type)})` };
  const parsed = schema.safeParse(data);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return { field: ['data', ...issue.path.map(String)].join('.'), expected: describe(issue) };
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${issue.expected}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `no field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** The event types that have older versions: the ones whose stored data is lifted on read. */
export const UPCAST_TYPES: readonly string[] = Object.keys(OLDER_VERSIONS);

/** Lifts data written at `version` to the current shape, through each version's upcaster in turn. */
export function upcastData(type: string, version: number, data: unknown): unknown {
  if (!isKnown(type)) return data;
  const older = OLDER_VERSIONS[type];
  for (let v = version; older?.[v]; v++) data = older[v]!.upcast(data);
  return data;
}
