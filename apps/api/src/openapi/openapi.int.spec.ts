import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { generateTypes, TYPES_FILE } from './typescript';

type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown>; responses: Record<string, { content?: Record<string, Media> }> }; servers?: unknown[]; security?: unknown };
type Operation = { security?: unknown[]; responses: Record<string, { $ref?: string; content?: Record<string, Media> }>; requestBody?: { content: Record<string, Media> }; parameters?: unknown[] };
type Media = { schema?: unknown; example?: unknown; examples?: Record<string, { value: unknown }> };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Issue 15: one contract for both sides, so the document has to be honest. */
describe('the OpenAPI document (/docs/openapi.json)', () => {
  let t: TestApp;
  let doc: Doc;
  let text: string;
  beforeAll(async () => {
    t = await startTestApp();
    text = await (await fetch(`${t.url}/docs/openapi.json`)).text();
    doc = JSON.parse(text);
  });
  afterAll(() => t.close());
  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ route: `${m.toUpperCase()} ${path}`, op: item[m]! })));

  it('passes redocly lint with the recommended rules: no errors', () => {
    const problems = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'redocly-lint.mjs')], { input: text, maxBuffer: 64 * 2 ** 20 }).toString()) as { ruleId: string; severity: string; at: string }[];
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('names its server and declares security on every operation (an empty list on the public ones)', () => {
    expect(doc.servers).toEqual([{ url: '/', description: 'the server that serves this document' }]);
    expect(operations().filter(({ op }) => !Array.isArray(op.security)).map((o) => o.route)).toEqual([]);
    const open = operations().filter(({ op }) => op.security!.length === 0).map((o) => o.route).sort();
    // Public: health, the first admin's bootstrap, and what a browser needs before it has a session (sign-in).
    expect(open).toEqual(['GET /api/auth/config', 'GET /api/auth/oidc/start', 'GET /health', 'GET /health/ready', 'POST /api/auth/sign-in', 'POST /api/org/bootstrap']);
  });

  it('documents the error envelope on every operation: 500 always; 400, 429 and 503 under /api; 401 and 403 where a token is needed; 404 with an id in the path', () => {
    const missing: string[] = [];
    for (const { route, op } of operations()) {
      const [method, path] = route.split(' ') as [string, string];
      const wanted = ['500', ...(path.startsWith('/api/') ? ['400', '429', '503'] : []), ...(op.security!.length ? ['401', '403'] : []), ...(/\{/.test(path) ? ['404'] : []), ...(method === 'POST' && path.startsWith('/api/') ? ['409', '422'] : [])];
      for (const status of wanted) {
        const response = op.responses[status];
        const shared = response?.$ref?.startsWith('#/components/responses/') ? doc.components.responses[response.$ref.slice('#/components/responses/'.length)] : response;
        const schema = shared?.content?.['application/json']?.schema as { $ref?: string } | undefined;
        if (schema?.$ref !== '#/components/schemas/ErrorEnvelope') missing.push(`${route} ${status}`);
      }
    }
    expect(missing).toEqual([]);
    expect(doc.components.schemas.ErrorEnvelope).toMatchObject({ required: ['error'], properties: { error: { required: ['code', 'message', 'details'] } } });
  });

  it('has every example valid against its schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: doc.components }, 'doc');
    // References point into the document's components.
    const resolve = (schema: unknown) => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/'));
    const invalid: string[] = [];
    let checked = 0;
    for (const { route, op } of operations()) {
      const media = [
        ...Object.values(op.requestBody?.content ?? {}).map((m) => ['request', m] as const),
        ...Object.entries(op.responses).flatMap(([status, r]) => Object.values(r.content ?? {}).map((m) => [status, m] as const)),
      ];
      if (route === 'GET /health') media.push(...Object.entries(doc.components.responses).flatMap(([name, r]) => Object.values(r.content ?? {}).map((m) => [name, m] as const)));
      for (const [where, m] of media) {
        if (!m.schema) continue;
        const validate = ajv.compile(resolve(m.schema));
        const examples = [...(m.example !== undefined ? [['example', m.example]] : []), ...Object.entries(m.examples ?? {}).map(([k, v]) => [k, v.value])] as [string, unknown][];
        for (const [name, value] of examples) {
          checked++;
          if (!validate(value)) invalid.push(`${route} ${where} ${name}: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    expect(invalid).toEqual([]);
    // The request examples of the commands and the 11 shared error responses, at least.
    expect(checked).toBeGreaterThanOrEqual(60);
  });

  it('documents what the code answers, no looser: projection errors as the runner writes them, states and store kinds as enums, command events as the catalogue names them (review of issue 15)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: doc.components }, 'doc');
    const schemaOf = (path: string, method: string, status: string) => JSON.parse(JSON.stringify(doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema).replace(/"#\/components\//g, '"doc#/components/'));
    const projections = ajv.compile(schemaOf('/api/projections', 'get', '200'));
    const row = { name: 'customer-360', version: 7, state: 'running', position: '1187/42', lag: { events: 0, seconds: 0 }, error: null, updatedAt: '2026-12-31T15:59:59.000Z' };
    const fits = (over: Record<string, unknown>) => projections({ projections: [{ ...row, ...over }] });
    expect(fits({})).toBe(true);
    expect(fits({ state: 'failed', error: { position: '1187/42', eventType: 'ConversionRecorded', message: 'cannot apply' } })).toBe(true);
    expect(fits({ state: 'resubscribing', error: { message: 'connection lost', attempts: 3, retryInMs: 4000 } })).toBe(true);
    expect(fits({ state: 'failed', error: { reason: 'anything' } })).toBe(false);
    expect(fits({ state: 'failed', error: { message: 'half a failure' } })).toBe(false);
    expect(fits({ state: 'sleeping' })).toBe(false);
    const ready = ajv.compile(schemaOf('/health/ready', 'get', '200'));
    const report = { status: 'ready', store: { kind: 'postgres', position: null, globalPosition: '0' }, database: { ok: true }, projections: [{ name: 'customer-360', state: 'running', position: '0/0', lag: { events: 0, seconds: 0 } }] };
    expect(ready(report)).toBe(true);
    expect(ready({ ...report, store: { ...report.store, kind: 'mongodb' } })).toBe(false);
    expect(ready({ ...report, projections: [{ ...report.projections[0], state: 'sleeping' }] })).toBe(false);
    const command = ajv.compile(schemaOf('/api/customers', 'post', '201'));
    const answer = { id: 'C-10001', streamId: 'customer-C-10001', revision: 0, position: '1187/42', events: ['CustomerOnboarded'] };
    expect(command(answer)).toBe(true);
    expect(command({ ...answer, events: ['CustomerOnboarded', 'SomethingHappened'] })).toBe(false);
  });

  it('generates exactly the checked-in front-end types (npm run api:types), so they cannot drift', () => {
    expect(generateTypes(text)).toBe(readFileSync(TYPES_FILE, 'utf8'));
  });
});
