import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * deploy/smoke.sh needs Docker, which the development machines do not have: it is checked by
 * reading it. It parses (bash -n), passes shellcheck where shellcheck is installed, names only
 * services and host ports docker-compose.yml defines, and runs suites and files that exist.
 */
const root = join(__dirname, '..', '..');
const script = join(root, 'deploy', 'smoke.sh');
const text = readFileSync(script, 'utf8');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { ports?: string[] }> };

describe('deploy/smoke.sh', () => {
  it('parses (bash -n)', () => {
    const r = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  it('is clean under shellcheck, when shellcheck is installed', () => {
    const r = spawnSync('shellcheck', [script], { encoding: 'utf8' });
    if (r.error) return; // not installed here: `apt-get install shellcheck` to check
    expect([r.status, r.stdout]).toEqual([0, '']);
  });

  it('names only services docker-compose.yml defines', () => {
    const services = new Set(Object.keys(compose.services));
    const named = [...text.matchAll(/compose (?:exec -T|logs [^\n]*?--tail \d+) ([a-z][\w ]*?)(?= \/| node|$|\s>)/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
    expect(named.length).toBeGreaterThanOrEqual(4);
    for (const s of named) expect([s, services.has(s)]).toEqual([s, true]);
    expect(new Set(named)).toEqual(new Set(['api', 'projector', 'ingest', 'kafka']));
  });

  it('reaches the stack on ports the compose file publishes', () => {
    const published = new Set(Object.values(compose.services).flatMap((s) => (s.ports ?? []).map((p) => Number(p.split(':')[0]))));
    const used = [...text.matchAll(/localhost:(\d+)/g)].map((m) => Number(m[1]));
    // 9092 is Kafka's in-cluster listener, used from inside the kafka container.
    for (const port of used.filter((p) => p !== 9092)) expect([port, published.has(port)]).toEqual([port, true]);
    expect(new Set(used)).toEqual(new Set([3000, 2113, 29092, 9092]));
  });

  it('runs the live contract suites and the built CLI that exist', () => {
    expect(text).toContain("EVENTSTORE_URL='esdb://localhost:2113?tls=false' npx jest --ci libs/event-store/src/eventstoredb");
    expect(text).toContain('KAFKA_BROKERS=localhost:29092 npx jest --ci libs/messaging/src/kafka/kafka-message-bus.int.spec.ts');
    expect(existsSync(join(root, 'libs/event-store/src/eventstoredb/eventstoredb-event-store.int.spec.ts'))).toBe(true);
    expect(existsSync(join(root, 'libs/messaging/src/kafka/kafka-message-bus.int.spec.ts'))).toBe(true);
    expect(existsSync(join(root, 'apps/cli/src/main.ts'))).toBe(true);
    // The bus deduplicates by the message-id header; a channel message without it is dead-lettered.
    expect(text).toMatch(/printf 'message-id:%s,traceparent:%s\\t/);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8');
  it('builds and runs on Node 24 LTS, while local development stays on Node 20.19+', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
    expect((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node).toBe('>=20.19');
    expect(/^USER node$/m.test(dockerfile)).toBe(true);
  });
});
