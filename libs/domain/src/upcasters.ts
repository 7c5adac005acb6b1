/**
 * Upcasters lift events written in an older shape (lower `schemaVersion`) to the current one on
 * read, so deciders and projections only ever see current shapes. Keyed by event type; each
 * takes the stored data and its version and returns current data.
 *
 * None are needed yet: every event type is at version 1.
 */
export type Upcaster = (data: unknown, schemaVersion: number) => unknown;

export const UPCASTERS: Readonly<Record<string, Upcaster>> = {};

export function upcastWith<E extends { type: string; data: unknown; metadata: { schemaVersion: number } }>(upcasters: Readonly<Record<string, Upcaster>>) {
  return (event: E): E => {
    const up = upcasters[event.type];
    return up ? { ...event, data: up(event.data, event.metadata.schemaVersion) } : event;
  };
}
