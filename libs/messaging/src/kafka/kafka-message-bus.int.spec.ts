import { describeMessageBusContract } from '../contract/message-bus.contract';
import { KafkaMessageBus, readKafkaMessage, toKafkaMessage } from './kafka-message-bus';

/** Live against the brokers in KAFKA_BROKERS (e.g. `docker compose up kafka`, then KAFKA_BROKERS=localhost:29092). */
const brokers = process.env.KAFKA_BROKERS;

if (brokers) {
  describeMessageBusContract('kafka', async () => {
    const bus = KafkaMessageBus.connect(brokers.split(','));
    return { bus, dropsRepeatedIds: false, cleanup: () => bus.close() };
  });
} else {
  describe('MessageBus contract: kafka', () => {
    it.skip('runs only when KAFKA_BROKERS points at a Kafka broker (not set: skipped)', () => undefined);
  });
}

describe('Kafka message mapping', () => {
  it('keys the message, serialises the value and carries the id in a header, and back', () => {
    const out = toKafkaMessage({ id: 'm-1', key: 'customer-7', value: { kind: 'contact' }, headers: { source: 'app' } });
    expect(out).toEqual({ key: 'customer-7', value: '{"kind":"contact"}', headers: { source: 'app', 'message-id': 'm-1' } });
    const back = readKafkaMessage('interactions', 0, { key: Buffer.from(out.key), value: Buffer.from(out.value), offset: '42', timestamp: '1764921600000', headers: { source: Buffer.from('app'), 'message-id': Buffer.from('m-1') } });
    expect(back).toEqual({ message: { topic: 'interactions', id: 'm-1', key: 'customer-7', value: { kind: 'contact' }, headers: { source: 'app' }, offset: '42', publishedAt: '2025-12-05T08:00:00.000Z' } });
  });
});
