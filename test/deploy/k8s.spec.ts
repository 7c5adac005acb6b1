import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@app/platform';

/**
 * deploy/k8s is checked by reading it (no cluster here): every manifest validates against the
 * Kubernetes schemas (kubernetes-models, Kubernetes 1.27's OpenAPI; it checks types, required
 * fields and enums, not unknown fields), and every environment variable set is one the apps read.
 */
const dir = join(__dirname, '..', '..', 'deploy', 'k8s');
const root = join(__dirname, '..', '..');
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: any };

const kustomization = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[]; images: { name: string }[] };
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return d.toJS() as Manifest;
  }),
);
const find = (kind: string, name: string) => {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name}`);
  return m;
};

/** The kubernetes-models class for a manifest's apiVersion and kind. */
function modelFor(m: Manifest): new (data: unknown) => { validate(): void } {
  const group = m.apiVersion === 'v1' ? 'v1' : m.apiVersion;
  const mod = require(`kubernetes-models/${group}`) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = mod[m.kind];
  if (!model) throw new Error(`kubernetes-models has no ${m.apiVersion} ${m.kind}`);
  return model;
}

const deployments = manifests.filter((m) => m.kind === 'Deployment');
const containers = deployments.flatMap((d) => (d.spec.template.spec.containers as any[]).map((c) => ({ deployment: d.metadata.name, container: c })));
const configMap = find('ConfigMap', 'campaign-platform-config').data as Record<string, string>;
const secret = find('Secret', 'campaign-platform-secrets').stringData as Record<string, string>;
const valid = { JWT_SECRET: randomBytes(32).toString('base64'), PII_MASTER_KEY: randomBytes(32).toString('base64'), DATABASE_URL: 'postgres://u:p@db.internal:5432/campaigns', EVENTSTORE_URL: 'esdb://es.internal:2113?tls=true', KAFKA_BROKERS: 'k0.internal:9092,k1.internal:9092' };

describe('deploy/k8s', () => {
  it('lists every manifest of the folder in its kustomization', () => {
    const yamls = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
    expect([...kustomization.resources].sort()).toEqual(yamls);
    expect(kustomization.images.map((i) => i.name)).toEqual(['campaign-platform']);
    expect(new Set(containers.map((c) => c.container.image))).toEqual(new Set(['campaign-platform']));
  });

  it('validates every manifest against the Kubernetes schemas', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(12);
    for (const m of manifests) {
      const Model = modelFor(m);
      expect(() => new Model(m).validate()).not.toThrow();
    }
  });

  it('would refuse a manifest with a wrong type or a missing field', () => {
    const api = find('Deployment', 'api');
    const Model = modelFor(api);
    expect(() => new Model({ ...api, spec: { ...api.spec, replicas: 'two' } }).validate()).toThrow(/replicas must be integer/);
    const { selector: _selector, ...noSelector } = api.spec;
    expect(() => new Model({ ...api, spec: noSelector }).validate()).toThrow(/selector/);
  });

  it('sets only environment variables the apps accept (libs/platform/src/config.ts)', () => {
    const set = [...Object.keys(configMap), ...Object.keys(secret), ...containers.flatMap((c) => ((c.container.env ?? []) as { name: string }[]).map((e) => e.name))];
    expect(set.length).toBeGreaterThan(10);
    for (const name of set) expect([name, CONFIG_VARIABLES.includes(name)]).toEqual([name, true]);
    // The Secret holds the five the issue names, and nothing else.
    expect(Object.keys(secret).sort()).toEqual(['DATABASE_URL', 'EVENTSTORE_URL', 'JWT_SECRET', 'KAFKA_BROKERS', 'PII_MASTER_KEY']);
    // Each container takes both, by the names they have.
    for (const { container } of containers) {
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'campaign-platform-config' } }, { secretRef: { name: 'campaign-platform-secrets' } }]);
    }
  });

  it('has settings the apps start with once the secrets are filled, and placeholders they refuse', () => {
    for (const { container } of containers) {
      const env = { ...configMap, ...valid, ...Object.fromEntries(((container.env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value])) };
      expect(() => loadConfig(env)).not.toThrow();
    }
    for (const [name, placeholder] of Object.entries(secret)) {
      expect(() => loadConfig({ ...configMap, ...valid, [name]: placeholder })).toThrow(new RegExp(`Invalid configuration: ${name}`));
    }
  });

  it('runs the api as ≥ 2 replicas behind its readiness, scaled on CPU, with a disruption budget', () => {
    const api = find('Deployment', 'api');
    const c = api.spec.template.spec.containers[0];
    expect(api.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(c.command.at(-1)).toBe('dist/apps/api/src/main.js');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    const ports = Object.fromEntries(c.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
    expect(ports).toEqual({ http: Number(configMap.PORT), metrics: Number(configMap.METRICS_PORT) });
    expect(c.resources.requests.cpu).toBeDefined(); // CPU utilisation is relative to the request
    expect(configMap.RUN_PROJECTOR).toBe('false');
    const hpa = find('HorizontalPodAutoscaler', 'api');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: expect.objectContaining({ type: 'Utilization' }) } }]);
    const pdb = find('PodDisruptionBudget', 'api');
    expect(pdb.spec.selector.matchLabels).toEqual(api.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    expect(find('Service', 'api').spec.selector).toEqual(api.spec.selector.matchLabels);
  });

  it('runs two projectors (one holds the lock, one stands by) and one ingest, each with metrics and health on METRICS_PORT', () => {
    const projector = find('Deployment', 'projector');
    expect(projector.spec.replicas).toBe(2);
    const pc = projector.spec.template.spec.containers[0];
    expect(pc.env).toContainEqual({ name: 'RUN_PROJECTOR', value: 'true' });
    expect(pc.command.at(-1)).toBe('dist/apps/projector/src/main.js');
    const ingest = find('Deployment', 'ingest');
    expect(ingest.spec.replicas).toBe(1);
    expect(ingest.spec.template.spec.containers[0].command.at(-1)).toBe('dist/apps/ingest/src/main.js');
    for (const d of [projector, ingest]) {
      const c = d.spec.template.spec.containers[0];
      expect(c.ports).toEqual([{ name: 'metrics', containerPort: Number(configMap.METRICS_PORT) }]);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'metrics' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'metrics' });
    }
    for (const d of deployments) {
      expect(d.spec.selector.matchLabels).toEqual(Object.fromEntries(Object.entries(d.spec.template.metadata.labels).filter(([k]) => k in d.spec.selector.matchLabels)));
      const main = d.spec.template.spec.containers[0].command.at(-1).replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(join(root, main))).toBe(true);
      expect(d.spec.template.metadata.annotations['prometheus.io/port']).toBe(configMap.METRICS_PORT);
    }
  });

  it('lets in only the api port (from the ingress controller) and the metrics port (from monitoring)', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    expect(find('NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const ingressPorts = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((x) => x.port))).sort();
    expect(ingressPorts).toEqual([Number(configMap.PORT), Number(configMap.METRICS_PORT)].sort());
    expect(find('NetworkPolicy', 'api-from-ingress').spec.podSelector.matchLabels).toEqual(find('Deployment', 'api').spec.selector.matchLabels);
    const egressPorts = policies.flatMap((p) => (p.spec.egress ?? []).flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((x) => x.port)));
    expect(new Set(egressPorts)).toEqual(new Set([53, 5432, 2113, 9092, 4318]));
  });
});
