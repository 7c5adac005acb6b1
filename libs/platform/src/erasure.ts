import { LEGACY_FREE_TEXT, moveFreeTextToNote, withoutFreeText } from '@app/domain';
import type { EventStore, NewEvent } from '@app/event-store';
import type { Logger } from './logger';
import type { PiiVault } from './pii-vault';

export interface ErasureOutcome {
  /** Stored events whose legacy free text about the customer was rewritten away; `null` where the store cannot rewrite (EventStoreDB). */
  readonly legacyEventsRewritten: number | null;
}

/**
 * The bookkeeping of a customer's erasure, after `CustomerDataErased` is appended: in ONE
 * transaction, the vault's data key, notes key and notes are destroyed and the store rewrites the
 * customer's events of the legacy versions that kept free text in the log (recorded in
 * `es_rewrites`). On EventStoreDB, which cannot rewrite, only the vault part happens (logged).
 */
export async function eraseCustomerData(runtime: { readonly vault: PiiVault; readonly store: EventStore; readonly log: Logger }, customerId: string): Promise<ErasureOutcome> {
  const redaction = runtime.store.redaction;
  const rewritten = await runtime.vault.erase(customerId, async (tx) =>
    redaction
      ? redaction.redact(tx, {
          versions: LEGACY_FREE_TEXT,
          subject: { field: 'customerId', value: customerId },
          rewrite: withoutFreeText,
          reason: `erasure of customer ${customerId}`,
        })
      : null,
  );
  if (!redaction) runtime.log.warn({ store: runtime.store.kind }, 'erasure: this event store cannot rewrite events; legacy free text in the log stays');
  return { legacyEventsRewritten: rewritten ?? null };
}

/**
 * Import of events written by an older version: an event of a legacy version that kept free text
 * about a customer is appended in its next version, naming a vault note (`imported:<event id>`)
 * that holds the text, written before the event (as commands do); for a customer erased already,
 * the text is dropped. A `CustomerDataErased` in the file erases the customer once it is appended.
 */
export function legacyTextImport(runtime: { readonly vault: PiiVault; readonly store: EventStore; readonly log: Logger }) {
  return {
    async transformEvent(event: NewEvent): Promise<NewEvent> {
      const moved = moveFreeTextToNote(event.type, event.metadata.schemaVersion, event.data, `imported:${event.metadata.eventId}`);
      if (!moved) return event;
      let data = moved.data;
      if (moved.note && (await runtime.vault.notes.keep(moved.note.customerId, moved.note.noteId, moved.note.text)) === 'erased') {
        data = withoutFreeText(event.type, event.metadata.schemaVersion, event.data).data;
      }
      return { ...event, data, metadata: { ...event.metadata, schemaVersion: moved.schemaVersion } };
    },
    async afterAppend(events: readonly NewEvent[]): Promise<void> {
      for (const e of events) if (e.type === 'CustomerDataErased') await eraseCustomerData(runtime, (e.data as { customerId: string }).customerId);
    },
  };
}
