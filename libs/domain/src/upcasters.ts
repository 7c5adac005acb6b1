import { currentSchemaVersion, UPCAST_TYPES, upcastData } from './catalogue';

/**
 * Upcasters lift events written in an older shape (lower `schemaVersion`) to the current one on
 * read, so deciders and projections only ever see current shapes. They come from the event
 * catalogue (`catalogue/older-versions.ts`): each older version has its schema and the step to
 * the next; a type without older versions needs none.
 */
export type Upcaster = (data: unknown, schemaVersion: number) => unknown;

export const UPCASTERS: Readonly<Record<string, Upcaster>> = Object.fromEntries(UPCAST_TYPES.map((type) => [type, (data: unknown, v: number) => upcastData(type, v, data)]));

export function upcastWith<E extends { type: string; data: unknown; metadata: { schemaVersion: number } }>(upcasters: Readonly<Record<string, Upcaster>>) {
  return (event: E): E => {
    const up = upcasters[event.type];
    if (!up) return event;
    const current = currentSchemaVersion(event.type);
    if (event.metadata.schemaVersion >= current) return event;
    return { ...event, data: up(event.data, event.metadata.schemaVersion), metadata: { ...event.metadata, schemaVersion: current } };
  };
}
