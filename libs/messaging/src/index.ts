/** The message-bus port and its Kafka (kafkajs) and Postgres-outbox adapters. */
export {};
