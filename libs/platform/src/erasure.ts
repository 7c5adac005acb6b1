import { currentSchemaVersion, LEGACY_FREE_TEXT, moveFreeTextToNote, upcastData, withoutFreeText } from '@app/domain';
import { START, type EventStore, type NewEvent } from '@app/event-store';
import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
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
      // An erasure of the first version kept its reason as free text, in the one event that outlives
      // the erasure: appended as the current version (a code), so the text never reaches the log.
      if (event.type === 'CustomerDataErased' && event.metadata.schemaVersion < currentSchemaVersion(event.type)) {
        const version = currentSchemaVersion(event.type);
        return { ...event, data: upcastData(event.type, event.metadata.schemaVersion, event.data), metadata: { ...event.metadata, schemaVersion: version } };
      }
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
    // The one-transaction import holds these until its commit, not every event of the file.
    afterAppendWants: (e: NewEvent) => e.type === 'CustomerDataErased',
  };
}

/**
 * Erasures the log holds whose bookkeeping never ran: an import killed (or failing) after the
 * batch with a `CustomerDataErased` was stored but before `afterAppend` erased the customer; on a
 * re-run those events count as already stored and are never seen again. Erasure is idempotent, so
 * this finds every erased customer in the log whose vault is not erased yet and erases them. On
 * PostgreSQL one statement over the events table (same database as the vault); elsewhere a read
 * of the whole log. Returns the customers it erased.
 */
export async function finishErasures(runtime: { readonly vault: PiiVault; readonly store: EventStore; readonly log: Logger; readonly db: { readonly pool: Pool } }): Promise<string[]> {
  let erased: string[];
  if (runtime.store.kind === 'postgres') {
    const { rows } = await runtime.db.pool.query<{ customer_id: string }>(UNFINISHED_ERASURES_SQL);
    erased = rows.map((r) => r.customer_id);
  } else {
    const ids = new Set<string>();
    for (let after = START; ; ) {
      const page = await runtime.store.readAll({ after, maxCount: 5_000 });
      if (page.length === 0) break;
      for (const e of page) if (e.type === 'CustomerDataErased') ids.add((e.data as { customerId: string }).customerId);
      after = page[page.length - 1]!.position;
    }
    erased = await runtime.vault.notErased([...ids]);
  }
  for (const customerId of erased) await eraseCustomerData(runtime, customerId);
  if (erased.length) runtime.log.warn({ customers: erased.length }, 'erasure: finished erasures the log held but the vault had not done (an interrupted import)');
  return erased;
}

/**
 * The events erasure reads by customer: the legacy versions that kept free text (LEGACY_FREE_TEXT's
 * types, as they were when this was written) and the erasure itself. Written out, not taken from
 * LEGACY_FREE_TEXT: the index's predicate is fixed by its migration (erasure.int.spec.ts checks
 * the list still covers LEGACY_FREE_TEXT; a new legacy type needs a new migration).
 */
export const ERASURE_INDEXED_TYPES = [
  'CampaignCostRecorded',
  'CampaignFeedbackRecorded',
  'ComplaintRecorded',
  'ConversionReversed',
  'CustomerClaimRejected',
  'CustomerContacted',
  'CustomerDataErased',
  'PointsRedeemed',
  'TransactionPointsReversed',
  'VipCardApplicationRefused',
  'VipCardCancelled',
] as const;

/**
 * A partial index over just those events, by type and customer: `finishErasures` and erasure's
 * rewrite read a handful of rows through it instead of scanning the whole log — a scan holds a
 * snapshot for its whole length, which holds back `pg_snapshot_xmin` and so every projection
 * (see "events live in one es_events table" in the README). Other events pay nothing on append.
 * Built CONCURRENTLY (outside a transaction), so appends go on while it is built on a large log.
 */
export class ErasureIndex1764000018170 implements MigrationInterface {
  readonly name = 'ErasureIndex1764000018170';
  readonly transaction = false;
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS es_events_erasure_idx ON es_events (type, (data->>'customerId'))
       WHERE type IN (${ERASURE_INDEXED_TYPES.map((t) => `'${t}'`).join(', ')})`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS es_events_erasure_idx`);
  }
}

/** Erased customers in the log whose vault is not erased yet; through `es_events_erasure_idx`. */
export const UNFINISHED_ERASURES_SQL = `SELECT DISTINCT e.data->>'customerId' AS customer_id FROM es_events e
       WHERE e.type = 'CustomerDataErased'
         AND NOT EXISTS (SELECT 1 FROM pii_vault v WHERE v.customer_id = e.data->>'customerId' AND v.erased_at IS NOT NULL)`;
