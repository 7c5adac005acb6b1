import { createTestDatabase } from '../../../../test/support/test-database';
import { describeMessageBusContract } from '../contract/message-bus.contract';
import { PostgresMessageBus } from './postgres-message-bus';

describeMessageBusContract('postgres', async () => {
  const db = await createTestDatabase();
  const bus = new PostgresMessageBus(db.pool, { pollIntervalMs: 20 });
  return {
    bus,
    dropsRepeatedIds: true,
    cleanup: async () => {
      await bus.close();
      await db.drop();
    },
  };
});
