import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from '@app/platform';

/**
 * The Grafana dashboard queries only metrics the apps expose: a renamed metric would otherwise
 * leave an empty panel that nobody notices until the day it is needed.
 */
const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'grafana', 'campaign-platform.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

/** Metric names in a PromQL expression: identifiers followed by a selector, a range or a closing parenthesis, not functions or labels. */
function metricNames(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  return [...withoutLabels.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((n) => n.includes('_') && !/^(le|status_class)$/.test(n));
}

describe('deploy/grafana/campaign-platform.json', () => {
  const metrics = new Metrics('api');
  let exposed: Map<string, string>;
  beforeAll(async () => {
    exposed = new Map((await metrics.registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
  });

  it('has panels for latency, commands, appends, projection lag, bus lag, the pool and Node', () => {
    const all = exprs.map((e) => e.expr).join('\n');
    for (const name of ['campaign_http_request_duration_seconds_bucket', 'campaign_commands_total', 'campaign_command_conflict_retries_total', 'campaign_events_appended_total', 'campaign_append_batch_size', 'campaign_projection_lag_seconds', 'campaign_projection_lag_events', 'campaign_bus_consumer_lag_messages', 'campaign_db_pool_connections', 'process_cpu_seconds_total']) {
      expect([name, all.includes(name)]).toEqual([name, true]);
    }
  });

  it('queries only metric names the apps expose (histograms by their _bucket, _sum and _count series)', () => {
    const names = exprs.flatMap((e) => metricNames(e.expr).map((name) => ({ ...e, name })));
    expect(names.length).toBeGreaterThan(15);
    for (const { panel, name } of names) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      const ok = exposed.has(name) || (exposed.get(base) === 'histogram' && base !== name);
      expect([panel, name, ok]).toEqual([panel, name, true]);
    }
  });

  it('catches a name the apps do not expose', () => {
    expect(metricNames('sum(rate(campaign_http_requests_total{app="api"}[5m]))')).toEqual(['campaign_http_requests_total']);
    expect(exposed.has('campaign_http_requests_total')).toBe(false);
  });

  it('filters by the apps\' own names only', () => {
    const apps = new Set(exprs.flatMap((e) => [...e.expr.matchAll(/app="([^"]+)"/g)].map((m) => m[1])));
    expect([...apps].every((a) => ['api', 'projector', 'ingest'].includes(a!))).toBe(true);
  });
});
