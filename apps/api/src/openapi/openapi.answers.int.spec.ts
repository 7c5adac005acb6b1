import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

type Media = { schema?: unknown };
type Response = { $ref?: string; 'x-codes'?: string[]; content?: Record<string, Media> };
type Operation = { responses: Record<string, Response> };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, Response> } };

/**
 * Issue 15: a documented answer schema that lies fails here. Every GET with a JSON 200 schema is
 * called on a seeded app and its real answer validated against the document (schemas made from zod
 * objects forbid properties they do not name, so a field the code adds and the document omits fails
 * too); so are the answers of the commands the front end reads (sign-in, audience preview).
 */
describe('documented answers match what the api really answers', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let doc: Doc;
  let ajv: Ajv;
  /** The submission's position: the inbox is read at least there (the projector may be behind under a loaded CI). */
  let submittedAt: string;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R3' });
    await seedCustomer(t, 'C2', { tolerance: 'R2', optedOut: ['sms'] });
    // A campaign waiting for approval: the inbox and the marketer's requests are not empty.
    const mkt = c.as('mkt-br1');
    expect((await mkt.post('/api/campaigns', { campaignId: 'K1', name: 'K1 债券基金', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '5000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 10 })).status).toBe(201);
    const submitted = await submitWithPlan(mkt, 'K1');
    expect(submitted.status).toBeLessThan(300);
    submittedAt = submitted.body.position;
    doc = (await (await fetch(`${t.url}/docs/openapi.json`)).json()) as Doc;
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: doc.components }, 'doc');
  }, 120_000);
  afterAll(() => t.close());

  const schemaOf = (method: string, path: string) => doc.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema;
  const problems = (method: string, path: string, body: unknown): string | null => {
    const schema = schemaOf(method, path);
    if (!schema) return `${method.toUpperCase()} ${path}: no documented 200 schema`;
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')));
    return validate(body) ? null : `${method.toUpperCase()} ${path}: ${ajv.errorsText(validate.errors)}`;
  };

  // Ids the seeded app knows, for path parameters.
  const PARAMS: Record<string, string> = { customerId: 'C1', unitId: 'BR1', staffId: 'rm1' };
  // The follow-up screen's routes: K1 (waiting for approval) and the calendar over its period; read
  // at the submission's position, so K1 is in the read model (its figures all zero, ratings null).
  PARAMS.campaignId ??= 'K1';
  const QUERIES: Record<string, () => string> = {
    '/api/campaigns/{campaignId}/follow-up': () => `?minPosition=${submittedAt}`,
    '/api/calendar': () => `?from=2026-01-01&to=2030-01-01&minPosition=${submittedAt}`,
  };
  // Who is asked, in turn, until one may read the route.
  const ACTORS = ['admin', 'mkt-br1', 'head-br1', 'rm1', 'appr-ho'];

  it('every GET with a documented JSON answer answers as documented', async () => {
    const checked: string[] = [];
    const failures: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item.get || !schemaOf('get', path)) continue;
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? `unknown-${name}`) + (QUERIES[path]?.() ?? '');
      let answered = false;
      for (const actor of ACTORS) {
        const r = await c.as(actor).get(concrete);
        if (r.status === 403) continue;
        if (r.status !== 200) {
          failures.push(`GET ${concrete} as ${actor}: ${r.status} ${JSON.stringify(r.body)}`);
        } else {
          const problem = problems('get', path, r.body);
          if (problem) failures.push(problem);
        }
        answered = true;
        break;
      }
      if (!answered) failures.push(`GET ${concrete}: no seeded actor may read it`);
      checked.push(`GET ${path}`);
    }
    expect(failures).toEqual([]);
    // The routes the front end reads are among them.
    expect(checked).toEqual(expect.arrayContaining(['GET /api/auth/config', 'GET /api/auth/session', 'GET /api/notifications', 'GET /api/inbox', 'GET /api/inbox/mine', 'GET /api/customers/{customerId}/transfer-targets', 'GET /api/campaigns/{campaignId}/follow-up', 'GET /api/calendar']));
  });

  it('the inbox and my requests, not empty, answer as documented', async () => {
    const waiting = await c.as('appr-ho').get(`/api/inbox?minPosition=${submittedAt}`);
    expect(waiting.status).toBe(200);
    expect(waiting.body.items.map((i: { kind: string; requestId: string }) => `${i.kind} ${i.requestId}`)).toEqual(['campaign K1']);
    expect(problems('get', '/api/inbox', waiting.body)).toBeNull();
    const mine = await c.as('mkt-br1').get(`/api/inbox/mine?minPosition=${submittedAt}`);
    expect(mine.body.items.map((i: { kind: string; requestId: string; status: string }) => `${i.kind} ${i.requestId} ${i.status}`)).toEqual(['campaign K1 pending']);
    expect(problems('get', '/api/inbox/mine', mine.body)).toBeNull();
  });

  it('the follow-up and the calendar answer as documented, K1 among them', async () => {
    const followUp = await c.as('mkt-br1').get(`/api/campaigns/K1/follow-up?minPosition=${submittedAt}`);
    expect(followUp.status).toBe(200);
    expect(problems('get', '/api/campaigns/{campaignId}/follow-up', followUp.body)).toBeNull();
    // The period starts 1 January 2026: its first 旬 is a check, nothing in it (no rating: null, not 0).
    expect(followUp.body.checks[0]).toMatchObject({ month: '2026-01', dekad: 1, firstDay: '2026-01-01', lastDay: '2026-01-10', reaction: { feedback: 0, averageRating: null, complaints: 0, customersContacted: 0, complaintRate: null } });
    const calendar = await c.as('mkt-br1').get(`/api/calendar?from=2026-01-01&to=2030-01-01&minPosition=${submittedAt}`);
    expect(calendar.status).toBe(200);
    expect(calendar.body.campaigns.map((k: { campaignId: string }) => k.campaignId)).toEqual(['K1']);
    expect(problems('get', '/api/calendar', calendar.body)).toBeNull();
    // A check without its reaction is not what the document says.
    const { reaction: _, ...bare } = followUp.body.checks[0];
    expect(problems('get', '/api/campaigns/{campaignId}/follow-up', { ...followUp.body, checks: [bare] })).toMatch(/reaction/);
  });

  it('the audience preview answers as documented', async () => {
    const r = await c.as('mkt-br1').post('/api/audiences/preview', {
      ownerUnitId: 'BR1',
      productCodes: ['FUND-BOND'],
      channels: ['phone', 'sms'],
      budget: '1000',
      period: { start: '2026-01-01', end: '2030-01-01' },
      controlGroupPercent: 20,
      audience: { suitableOnly: true },
    });
    expect(r.status).toBe(200);
    expect(problems('post', '/api/audiences/preview', r.body)).toBeNull();
  });

  it('a schema that lies is caught: an answer with a field the document does not name fails', () => {
    expect(problems('get', '/api/auth/config', { mode: 'password', bankTimeZone: 'Asia/Shanghai', extra: 1 })).toMatch(/additional properties/);
    expect(problems('get', '/api/auth/config', { mode: 'sso', bankTimeZone: 'Asia/Shanghai' })).toMatch(/allowed values/);
  });

  /** The codes the document lists for an operation's status (its own response, or the shared one it refers to). */
  const listed = (method: string, path: string, status: number): string[] => {
    const r = doc.paths[path]?.[method]?.responses[String(status)];
    const shared = r?.$ref ? doc.components.responses[r.$ref.slice('#/components/responses/'.length)] : r;
    return shared?.['x-codes'] ?? [];
  };
  const cookiesOf = (r: { headers: Headers }) => r.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  /** A call with the browser's session cookie only (no bearer token, no CSRF header). */
  const withCookie = async (method: string, path: string, cookie: string): Promise<{ status: number; body: { error?: { code: string } } }> => {
    const r = await fetch(`${t.url}${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    return { status: r.status, body: (await r.json()) as { error?: { code: string } } };
  };

  it('refusals come with a status and code the document lists for that operation', async () => {
    const seen: [string, string, number, string][] = [];
    const refusal = (method: string, path: string, r: { status: number; body: { error?: { code: string } } }) => seen.push([method, path, r.status, r.body.error?.code ?? `no error: ${JSON.stringify(r.body)}`]);
    const admin = c.as('admin');
    expect((await admin.post('/api/auth/staff/rm2/one-time-password', { password: 'temporary 2026' })).status).toBe(200);
    expect((await admin.post('/api/auth/staff/rm3/one-time-password', { password: 'temporary 2027' })).status).toBe(200);
    refusal('post', '/api/auth/staff/{staffId}/one-time-password', await admin.post('/api/auth/staff/rm2/one-time-password', { password: 'abcdefghijk' }));
    // Wrong password: 401; the fifth in a row locks the account (its own answer is 423), then even the right one gets 423.
    for (let i = 0; i < 5; i++) refusal('post', '/api/auth/sign-in', await c.anonymous.post('/api/auth/sign-in', { staffId: 'rm3', password: 'wrong guess 1' }));
    refusal('post', '/api/auth/sign-in', await c.anonymous.post('/api/auth/sign-in', { staffId: 'rm3', password: 'temporary 2027' }));
    // A session on a one-time password reaches only /api/auth/; a cookie write needs the CSRF header.
    const signedIn = await c.anonymous.post('/api/auth/sign-in', { staffId: 'rm2', password: 'temporary 2026' });
    expect(signedIn.status).toBe(200);
    expect(problems('post', '/api/auth/sign-in', signedIn.body)).toBeNull();
    const cookie = cookiesOf(signedIn);
    refusal('get', '/api/notifications', await withCookie('GET', '/api/notifications', cookie));
    refusal('post', '/api/auth/sign-out', await withCookie('POST', '/api/auth/sign-out', cookie));
    refusal('post', '/api/auth/password', await c.as('rm2').post('/api/auth/password', { currentPassword: 'temporary 2026', newPassword: 'short' }));
    refusal('post', '/api/auth/password', await c.as('rm2').post('/api/auth/password', { currentPassword: 'not it at all 1', newPassword: 'my own secret 42' }));
    refusal('post', '/api/audiences/preview', await c.as('mkt-br1').post('/api/audiences/preview', { ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 20, audience: { ageBand: { min: 60, max: 30 } } }));

    // Worked out by hand from the controllers: what each of these refusals is.
    expect(seen.map(([m, p, s, code]) => `${m.toUpperCase()} ${p} ${s} ${code}`)).toEqual([
      'POST /api/auth/staff/{staffId}/one-time-password 422 WEAK_PASSWORD',
      ...Array(4).fill('POST /api/auth/sign-in 401 INVALID_CREDENTIALS'),
      'POST /api/auth/sign-in 423 ACCOUNT_LOCKED',
      'POST /api/auth/sign-in 423 ACCOUNT_LOCKED',
      'GET /api/notifications 403 PASSWORD_CHANGE_REQUIRED',
      'POST /api/auth/sign-out 403 CSRF_TOKEN_INVALID',
      'POST /api/auth/password 422 WEAK_PASSWORD',
      'POST /api/auth/password 422 INVALID_CREDENTIALS',
      'POST /api/audiences/preview 400 INVALID_AGE_BAND',
    ]);
    const unlisted = seen.filter(([m, p, s, code]) => !listed(m, p, s).includes(code)).map((x) => x.join(' '));
    expect(unlisted).toEqual([]);
  });
});
