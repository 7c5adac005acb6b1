import type { Pool } from 'pg';
import { formatPosition, parsePosition, type EventStore, type Position, type RecordedEvent } from '@app/event-store';
import type { BusMessage, MessageBus } from '../message-bus.port';

/**
 * Integration events: the facts other systems of the bank act on, published from the event store
 * to Kafka (or the Postgres bus), keyed so that one customer's (or campaign's) events stay in order.
 */
export const INTEGRATION_EVENTS: Readonly<Record<string, { topic: string; key: (data: Record<string, unknown>) => string }>> = {
  CampaignLaunched: { topic: 'integration.campaigns', key: (d) => String(d.campaignId) },
  CampaignCompleted: { topic: 'integration.campaigns', key: (d) => String(d.campaignId) },
  CampaignCancelled: { topic: 'integration.campaigns', key: (d) => String(d.campaignId) },
  ConversionRecorded: { topic: 'integration.customers', key: (d) => String(d.customerId) },
  ConversionReversed: { topic: 'integration.customers', key: (d) => String(d.customerId) },
  CustomerTierChanged: { topic: 'integration.customers', key: (d) => String(d.customerId) },
};

/** The message for one stored event: the event id deduplicates, the value is self-describing. */
export function integrationMessage(e: RecordedEvent): { topic: string; message: BusMessage } | null {
  const route = INTEGRATION_EVENTS[e.type];
  if (!route) return null;
  const data = e.data as Record<string, unknown>;
  return {
    topic: route.topic,
    message: {
      id: e.metadata.eventId,
      key: route.key(data),
      value: { type: e.type, data, occurredAt: e.metadata.occurredAt, position: formatPosition(e.position), streamId: e.streamId },
      headers: {
        'event-type': e.type,
        'schema-version': String(e.metadata.schemaVersion ?? 1),
        // The trace of the request or message that caused the event travels on with it.
        'correlation-id': e.metadata.correlationId,
        ...(e.metadata.traceparent ? { traceparent: e.metadata.traceparent } : {}),
      },
    },
  };
}

export interface RelayOptions {
  readonly name?: string;
  readonly batchSize?: number;
  /** How long to wait when there is nothing new (ms). */
  readonly idleMs?: number;
  readonly log?: { error(o: object, m: string): void };
}

/**
 * Follows the store's global order from its checkpoint, publishes the integration events of each
 * batch, then saves the checkpoint: at least once (a crash between the two publishes the batch
 * again; consumers deduplicate by message id), in order per key.
 */
export class IntegrationRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  readonly name: string;

  constructor(
    private readonly store: EventStore,
    private readonly bus: MessageBus,
    private readonly pool: Pool,
    private readonly options: RelayOptions = {},
  ) {
    this.name = options.name ?? 'integration-events';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Publishes everything up to the store's head now; resolves when done (for tests and tools). */
  async drain(): Promise<number> {
    let published = 0;
    for (;;) {
      const n = await this.step();
      if (n === null) return published;
      published += n;
    }
  }

  async checkpoint(): Promise<Position | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM relay_checkpoints WHERE name = $1`, [this.name]);
    return rows[0] ? parsePosition(rows[0].position) : undefined;
  }

  /** One batch: null when there was nothing new, else the number of messages published. */
  private async step(): Promise<number | null> {
    const after = await this.checkpoint();
    const batch = await this.store.readAll({ after, maxCount: this.options.batchSize ?? 500 });
    if (batch.length === 0) return null;
    const byTopic = new Map<string, BusMessage[]>();
    for (const e of batch) {
      const m = integrationMessage(e);
      if (m) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
    }
    for (const [topic, messages] of byTopic) await this.bus.publish(topic, messages);
    await this.pool.query(
      `INSERT INTO relay_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [this.name, formatPosition(batch[batch.length - 1]!.position)],
    );
    return [...byTopic.values()].reduce((s, m) => s + m.length, 0);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if ((await this.step()) !== null) continue;
      } catch (err) {
        this.options.log?.error({ err: String(err) }, 'integration relay failed; retrying');
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.options.idleMs ?? 200).unref();
      });
    }
  }
}
