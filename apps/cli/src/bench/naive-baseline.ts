import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule, EventBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import type { CustomerEvent } from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';
import { customerDirectoryProjection, evolveCustomerRow } from '@app/read-models';

/**
 * The usual approach the benchmark compares the projector with: an `@nestjs/cqrs` EventsHandler
 * per event that loads a TypeORM entity and `save()`s it. Same read model (the customer
 * directory, same pure `evolveCustomerRow`), one event at a time.
 */
@Entity({ name: 'naive_customer_directory' })
export class NaiveCustomerRow {
  @PrimaryColumn('text') customer_id!: string;
  @Column('text') home_unit_id!: string;
  @Column('text') segment!: string;
  @Column('text') gender!: string;
  @Column('text') tier!: string;
  @Column('text', { nullable: true }) manager_id!: string | null;
  @Column('text', { array: true }) holdings!: string[];
  @Column('text', { array: true }) opted_out!: string[];
  @Column('boolean') erased!: boolean;
  @Column('int', { nullable: true }) birth_year!: number | null;
  @Column('text', { nullable: true }) risk_tolerance!: string | null;
  @Column('text', { nullable: true }) risk_valid_until!: string | null;
  @Column('text') last_active_at!: string;
  @Column('jsonb') campaign_contacts!: Record<string, string>;
  @Column('text', { array: true }) enrolled_in!: string[];
  @Column('text', { array: true }) control_in!: string[];
}

class EventArrived {
  constructor(
    readonly event: RecordedEvent,
    readonly done: () => void,
  ) {}
}


@Injectable()
@EventsHandler(EventArrived)
class NaiveHandler implements IEventHandler<EventArrived> {
  constructor(private readonly source: DataSource) {}
  async handle({ event, done }: EventArrived) {
    const repo = this.source.getRepository(NaiveCustomerRow);
    const id = (event.data as { customerId?: string }).customerId;
    // The directory's campaign rows are not part of this comparison.
    if (id === undefined) return done();
    const row = await repo.findOneBy({ customer_id: id });
    const next = evolveCustomerRow(row, event as unknown as CustomerEvent, event.metadata.occurredAt);
    if (next) await repo.save(repo.create(next));
    done();
  }
}

export async function naiveRebuild(url: string, store: EventStore): Promise<{ events: number; seconds: number }> {
  const source = new DataSource({ type: 'postgres', url, entities: [NaiveCustomerRow], synchronize: true, logging: false });
  await source.initialize();
  @Module({ imports: [CqrsModule.forRoot()], providers: [NaiveHandler, { provide: DataSource, useValue: source }] })
  class NaiveModule {}
  const app = await NestFactory.createApplicationContext(NaiveModule, { logger: false });
  await app.init();
  const bus = app.get(EventBus);
  const types = new Set(customerDirectoryProjection.eventTypes);
  const t0 = performance.now();
  let events = 0;
  try {
    let after;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: 1000 });
      if (batch.length === 0) break;
      for (const e of batch) {
        events++;
        if (!types.has(e.type)) continue;
        await new Promise<void>((resolve) => bus.publish(new EventArrived(e, resolve)));
      }
      after = batch[batch.length - 1]!.position;
    }
    return { events, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await app.close();
    await source.query(`DROP TABLE IF EXISTS naive_customer_directory`);
    await source.destroy();
  }
}
