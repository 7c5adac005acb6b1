import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: './.data', logLevel: 'info', runProjector: true, bankTimeZone: 'Asia/Shanghai' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.eventStoreUrl).toBeUndefined();
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
    expect(c.runProjector).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'nonsense' }, /DATABASE_URL must be a postgres:\/\/ URL/],
    [{ EVENTSTORE_URL: 'http://x' }, /EVENTSTORE_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ KAFKA_BROKERS: 'kafka' }, /KAFKA_BROKERS/],
    [{ RUN_PROJECTOR: 'yes' }, /RUN_PROJECTOR/],
    [{ BANK_TIME_ZONE: 'Beijing' }, /BANK_TIME_ZONE must be an IANA time zone/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes the bank\'s time zone by its IANA name', () => {
    expect(loadConfig({ BANK_TIME_ZONE: 'Asia/Hong_Kong' }).bankTimeZone).toBe('Asia/Hong_Kong');
  });

  it('never echoes a password from a connection string', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db/x y' })).toThrow(/app:\*\*\*@/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db/x y' })).not.toThrow(/s3cret/);
  });
});
