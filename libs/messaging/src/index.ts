/** The message-bus port and its Kafka (kafkajs) and Postgres adapters. */
export * from './message-bus.port';
export * from './kafka/kafka-message-bus';
export * from './postgres/postgres-message-bus';
export { MessageBus1764000007000 } from './postgres/1764000007000-message-bus.migration';
export { MessageBusVisibility1764000016040 } from './postgres/1764000016040-message-bus-visibility.migration';
export * from './relay/integration-relay';
export { Relay1764000010000 } from './relay/1764000010000-relay.migration';
