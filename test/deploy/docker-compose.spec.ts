import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@app/platform';

/**
 * Docker cannot run on the development machines, so the compose file is checked by reading it:
 * every service the design names is there, and every app's environment is one the apps accept.
 */
interface Service {
  image?: string;
  restart?: string;
  volumes?: string[];
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

const root = join(__dirname, '..', '..');
const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const apps = ['api', 'projector', 'ingest'];

describe('docker-compose.yml', () => {
  it('has EventStoreDB, Postgres, Kafka and the apps', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'eventstore', 'ingest', 'kafka', 'postgres', 'projector']);
    expect(compose.services.eventstore!.image).toMatch(/kurrentdb/);
    expect(compose.services.eventstore!.environment).toMatchObject({ KURRENTDB_INSECURE: 'true', KURRENTDB_CLUSTER_SIZE: '1' });
    // No server-side projections: their link records would fill $all between the platform's events.
    expect(compose.services.eventstore!.environment).toMatchObject({ KURRENTDB_RUN_PROJECTIONS: 'None' });
    expect(compose.services.kafka!.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
  });

  /** `${VAR:?message}` is filled by docker compose from the caller's environment: stand in a valid value. */
  const interpolated = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, /^\$\{(PII_MASTER_KEY|JWT_SECRET)[:?}]/.test(v) ? Buffer.alloc(32, 7).toString('base64') : v]));

  it('takes the personal-data master key and the token-signing key from the caller, never from the file', () => {
    for (const name of apps) expect(compose.services[name]!.environment!.PII_MASTER_KEY).toMatch(/^\$\{PII_MASTER_KEY:\?/);
    for (const name of apps) expect(compose.services[name]!.environment!.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
  });

  it.each(apps)('gives %s only variables the apps read, and valid values', (name) => {
    const env = interpolated(compose.services[name]!.environment!);
    for (const key of Object.keys(env)) expect(CONFIG_VARIABLES).toContain(key);
    const config = loadConfig(env);
    expect(config.eventStoreUrl).toMatch(/^esdb:\/\/eventstore:2113/);
    expect(config.databaseUrl).toMatch(/@postgres:5432\//);
    expect(config.kafkaBrokers).toEqual(['kafka:9092']);
  });

  it.each(apps)('starts %s from a built entry point that exists in the source tree', (name) => {
    const service = compose.services[name]!;
    expect(existsSync(join(root, service.build!.context, service.build!.dockerfile))).toBe(true);
    const entry = service.command!.find((a) => a.startsWith('dist/'))!;
    const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(existsSync(join(root, source))).toBe(true);
  });

  it.each(['eventstore', 'postgres', 'kafka', ...apps])('restarts %s when it stops (a crashed consumer exits 1 to be restarted)', (name) => {
    expect(compose.services[name]!.restart).toMatch(/^(unless-stopped|always|on-failure)/);
  });

  it('keeps Kafka\'s log on a volume, and creates no topic by accident (the apps create theirs with partitions)', () => {
    const kafka = compose.services.kafka!;
    const dir = kafka.environment!.KAFKA_LOG_DIRS!;
    expect(kafka.volumes).toContainEqual(expect.stringMatching(new RegExp(`^kafka-data:${dir}$`)));
    expect(compose.volumes).toHaveProperty('kafka-data');
    expect(kafka.environment!.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('names every variable it requires in its header comment', () => {
    const header = text.split('\n').filter((l) => l.startsWith('#')).join('\n');
    for (const required of text.matchAll(/\$\{(\w+):\?/g)) expect(header).toContain(required[1]!);
  });

  it.each(apps)('makes %s wait for the stores it uses to be healthy', (name) => {
    const deps = compose.services[name]!.depends_on!;
    for (const dep of Object.keys(deps)) {
      expect(compose.services[dep]).toBeDefined();
      expect(deps[dep]!.condition).toBe('service_healthy');
    }
  });
});
