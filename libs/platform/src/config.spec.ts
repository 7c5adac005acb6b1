import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: './.data', logLevel: 'info', runProjector: true, bankTimeZone: 'Asia/Shanghai' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.eventStoreUrl).toBeUndefined();
  });

  it('has one projector batch in flight unless PROJECTOR_BATCHES_IN_FLIGHT says otherwise (1 to 8)', () => {
    expect(loadConfig({}).projectorBatchesInFlight).toBe(1);
    expect(loadConfig({ PROJECTOR_BATCHES_IN_FLIGHT: '2' }).projectorBatchesInFlight).toBe(2);
    expect(() => loadConfig({ PROJECTOR_BATCHES_IN_FLIGHT: '0' })).toThrow(/PROJECTOR_BATCHES_IN_FLIGHT/);
    expect(() => loadConfig({ PROJECTOR_BATCHES_IN_FLIGHT: '9' })).toThrow(/PROJECTOR_BATCHES_IN_FLIGHT/);
  });

  it('takes catch-up batches of 20 batches, at most 10,000 events, unless PROJECTOR_CATCH_UP_BATCH_SIZE says otherwise', () => {
    // 20 × 500 = 10,000 by default; 20 × 40 = 800 for a test's small batches; 20 × 2,000 = 40,000 is held at 10,000.
    expect(loadConfig({}).projectorCatchUpBatchSize).toBe(10_000);
    expect(loadConfig({ PROJECTOR_BATCH_SIZE: '40' }).projectorCatchUpBatchSize).toBe(800);
    expect(loadConfig({ PROJECTOR_BATCH_SIZE: '2000' }).projectorCatchUpBatchSize).toBe(10_000);
    expect(loadConfig({ PROJECTOR_CATCH_UP_BATCH_SIZE: '3000' }).projectorCatchUpBatchSize).toBe(3000);
    expect(() => loadConfig({ PROJECTOR_CATCH_UP_BATCH_SIZE: '0' })).toThrow(/PROJECTOR_CATCH_UP_BATCH_SIZE/);
  });

  it('trusts the bus\'s time of a channel message 24 hours back by default (INGEST_MAX_DELIVERY_DELAY_HOURS), and refuses a negative or unreadable delay', () => {
    expect(loadConfig({}).ingestMaxDeliveryDelayHours).toBe(24);
    expect(loadConfig({ INGEST_MAX_DELIVERY_DELAY_HOURS: '72' }).ingestMaxDeliveryDelayHours).toBe(72);
    expect(() => loadConfig({ INGEST_MAX_DELIVERY_DELAY_HOURS: '-1' })).toThrow(/INGEST_MAX_DELIVERY_DELAY_HOURS/);
    expect(() => loadConfig({ INGEST_MAX_DELIVERY_DELAY_HOURS: 'a day' })).toThrow(/INGEST_MAX_DELIVERY_DELAY_HOURS/);
  });

  it('lets staff date facts back 3 days by default (BACKDATE_GRACE_DAYS), and refuses a negative grace', () => {
    expect(loadConfig({}).backdateGraceDays).toBe(3);
    expect(loadConfig({ BACKDATE_GRACE_DAYS: '0.5' }).backdateGraceDays).toBe(0.5);
    expect(() => loadConfig({ BACKDATE_GRACE_DAYS: '-1' })).toThrow(/BACKDATE_GRACE_DAYS/);
  });

  it('reads the external stores and brokers when given', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://app:pw@db:5432/campaigns',
      EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
      KAFKA_BROKERS: 'kafka:9092,kafka2:9092',
      RUN_PROJECTOR: 'false',
    });
    expect(c.databaseUrl).toBe('postgres://app:pw@db:5432/campaigns');
    expect(c.eventStoreUrl).toBe('esdb://eventstore:2113?tls=false');
    expect(c.kafkaBrokers).toEqual(['kafka:9092', 'kafka2:9092']);
    expect(c.kafkaTopics).toEqual({ partitions: 6, replicationFactor: 1 });
    expect(c.runProjector).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'nonsense' }, /DATABASE_URL must be a postgres:\/\/ URL/],
    [{ EVENTSTORE_URL: 'http://x' }, /EVENTSTORE_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ KAFKA_BROKERS: 'kafka' }, /KAFKA_BROKERS/],
    [{ KAFKA_TOPIC_PARTITIONS: '0' }, /KAFKA_TOPIC_PARTITIONS/],
    [{ KAFKA_REPLICATION_FACTOR: 'three' }, /KAFKA_REPLICATION_FACTOR/],
    [{ RUN_PROJECTOR: 'yes' }, /RUN_PROJECTOR/],
    [{ BANK_TIME_ZONE: 'Beijing' }, /BANK_TIME_ZONE must be an IANA time zone/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe('EVENTSTORE_URL: only what the EventStoreDB client (6.2.1) can read', () => {
    it.each([
      'esdb://eventstore:2113?tls=false',
      'esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true&nodePreference=leader',
      'esdb+discover://cluster.bank.internal:2113?tlsCAFile=%2Fetc%2Fca.pem&keepAliveInterval=10000',
      'esdb://localhost',
    ])('accepts %s', (url) => {
      expect(loadConfig({ EVENTSTORE_URL: url }).eventStoreUrl).toBe(url);
    });

    it.each([
      ['kurrentdb://eventstore:2113?tls=false', /EVENTSTORE_URL .*esdb:\/\/ or esdb\+discover:\/\/.*kurrentdb:\/\/ and kdb:\/\/ need a newer client/],
      ['kdb://eventstore:2113', /esdb:\/\/ or esdb\+discover:\/\//],
      ['kurrentdb+discover://cluster:2113', /esdb:\/\/ or esdb\+discover:\/\//],
      ['esdb://eventstore:port', /port number/],
      ['esdb://eventstore:2113?tls=maybe', /true or false/],
      ['esdb://eventstore:2113?tsl=false', /unknown option "tsl"/],
      ['esdb://eventstore:2113?throwOnAppendFailure=false', /throwOnAppendFailure/],
    ])('refuses %s with a message saying why', (url, message) => {
      expect(() => loadConfig({ EVENTSTORE_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig({ EVENTSTORE_URL: url })).toThrow(message);
    });

    it('never echoes the password of a refused connection string', () => {
      expect(() => loadConfig({ EVENTSTORE_URL: 'kurrentdb://admin:s3cret@eventstore:2113' })).not.toThrow(/s3cret/);
    });
  });

  it('takes the bank\'s time zone by its IANA name', () => {
    expect(loadConfig({ BANK_TIME_ZONE: 'Asia/Hong_Kong' }).bankTimeZone).toBe('Asia/Hong_Kong');
  });

  it('never echoes a password from a connection string', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db/x y' })).toThrow(/app:\*\*\*@/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db/x y' })).not.toThrow(/s3cret/);
  });
});
