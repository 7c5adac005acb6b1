import { planPdf } from '@app/demo';
import type { TestApp } from './test-app';

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/**
 * A small HTTP client for API tests: `api(t).as('rm1').post('/api/interactions', {...})` sends a
 * bearer token minted for `rm1` with the app's own key (as `campaignctl token --user rm1` would).
 */
export function api(t: TestApp) {
  const tokens = new Map<string, string>();
  const tokenFor = (actor: string) => tokens.get(actor) ?? tokens.set(actor, t.runtime.tokens.issue(actor).token).get(actor)!;
  const call = async (method: string, path: string, actor: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(actor ? { authorization: `Bearer ${tokenFor(actor)}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // JSON, except the few downloads (CSV, plan documents) that come as text or bytes.
    const json = !/^(text\/|application\/(pdf|octet-stream|msword|vnd\.))/.test(res.headers.get('content-type') ?? '');
    return { status: res.status, body: text ? (json ? JSON.parse(text) : text) : null, headers: res.headers };
  };
  /**
   * A launch waits up to 10 s for the customer directory to hold the latest customers, then answers
   * 503 READ_MODEL_BEHIND having appended nothing; on a loaded machine the projector can be slower than
   * that. Asked again once the in-process projector has caught up, as a client retries a 503.
   */
  const post = async (path: string, actor: string | null, body: unknown, headers?: Record<string, string>): Promise<ApiResponse> => {
    for (let attempt = 1; ; attempt++) {
      const r = await call('POST', path, actor, body, headers);
      if (attempt === 3 || r.status !== 503 || r.body?.error?.code !== 'READ_MODEL_BEHIND' || !/\/launch$/.test(path) || !t.runtime.projector) return r;
      await t.runtime.projector.catchUp(60_000);
    }
  };
  const as = (actor: string | null) => ({
    get: (path: string) => call('GET', path, actor),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => post(path, actor, body ?? {}, headers),
    /** Sends a file as the raw body (a plan document), whatever its bytes. */
    upload: (path: string, bytes: Uint8Array, headers: Record<string, string> = {}) => call('POST', path, actor, bytes, { 'content-type': 'application/octet-stream', ...headers }),
  });
  return { as, anonymous: as(null) };
}

/**
 * A small bank built through the API: HO → BR1 → SB1 → OUT1, HO → BR2 → SB2, staff with every
 * role, four products and a 2026 budget split down to BR1.
 */
export async function seedOrganisation(t: TestApp): Promise<void> {
  const c = api(t);
  const ok = (r: ApiResponse) => {
    if (r.status >= 300) throw new Error(`seed failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  ok(await c.anonymous.post('/api/org/bootstrap', { headOffice: { unitId: 'HO', name: 'Head office' }, admin: { staffId: 'admin', displayName: 'Admin' } }));
  const admin = c.as('admin');
  for (const [unitId, level, parentId] of [
    ['BR1', 'branch', 'HO'],
    ['BR2', 'branch', 'HO'],
    ['SB1', 'sub_branch_1', 'BR1'],
    ['SB2', 'sub_branch_1', 'BR2'],
    ['OUT1', 'outlet', 'SB1'],
  ]) {
    ok(await admin.post('/api/org/units', { unitId, name: unitId, level, parentId }));
  }
  for (const [staffId, role, unitId] of [
    ['mkt-br1', 'marketer', 'BR1'],
    ['mkt-sb1', 'marketer', 'SB1'],
    ['appr-ho', 'approver', 'HO'],
    ['appr-br1', 'approver', 'BR1'],
    ['head-br1', 'branch_head', 'BR1'],
    ['rm1', 'relationship_manager', 'SB1'],
    ['rm2', 'relationship_manager', 'OUT1'],
    ['rm3', 'relationship_manager', 'SB2'],
  ]) {
    ok(await admin.post('/api/org/staff', { staffId, displayName: staffId, role, unitId }));
  }
  for (const [productCode, riskLevel, riskBearing, weight] of [
    ['DEP-1Y', 'R1', false, '0.50'],
    ['FUND-BOND', 'R2', true, '1.50'],
    ['GOLD', 'R3', true, '1.00'],
    ['FUND-EQ', 'R4', true, '2.00'],
  ] as const) {
    ok(await admin.post('/api/products', { productCode, name: productCode, category: 'x', riskLevel, riskBearing, weight }));
  }
  ok(await admin.post('/api/budgets/HO/annual', { year: 2026, amount: '1000000' }));
  ok(await admin.post('/api/budgets/HO/allocations', { childUnitId: 'BR1', year: 2026, amount: '100000' }));
}

/**
 * Onboards a customer of SB1, with a risk profile when given one, through the API. Contact is
 * opt-out: the customer may be contacted on every channel except those named in `optedOut`.
 */
export async function seedCustomer(t: TestApp, customerId: string, options: { tolerance?: string; optedOut?: string[]; gender?: string; assets?: string } = {}) {
  const rm = api(t).as('rm1');
  const ok = (r: ApiResponse) => {
    if (r.status >= 300) throw new Error(`seed failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  ok(await rm.post('/api/customers', { customerId, segment: 'retail', gender: options.gender ?? 'F', assetsByUnit: { SB1: options.assets ?? '300000' } }));
  for (const channel of options.optedOut ?? []) ok(await rm.post(`/api/customers/${customerId}/consents`, { channel, granted: false }));
  // Suitability is assessed apart from the seller: by a head of the customer's unit.
  if (options.tolerance) ok(await api(t).as('head-br1').post(`/api/customers/${customerId}/risk-assessment`, { tolerance: options.tolerance }));
}

/** The events of one stream as stored, oldest first. */
export async function storedEvents(t: TestApp, streamId: string): Promise<{ type: string; data: any }[]> {
  const { rows } = await t.db.pool.query(`SELECT type, data FROM es_events WHERE stream_id = $1 ORDER BY stream_position`, [streamId]);
  return rows;
}

/**
 * Submits a drafted campaign as a marketer does: uploads its plan document (a one-page PDF), then
 * submits naming it. Returns the submission's answer.
 */
export async function submitWithPlan(as: ReturnType<ReturnType<typeof api>['as']>, campaignId: string, body: Record<string, unknown> = {}): Promise<ApiResponse> {
  const uploaded = await as.upload(`/api/campaigns/${encodeURIComponent(campaignId)}/plan-documents?fileName=${encodeURIComponent(`${campaignId} 方案.pdf`)}`, planPdf(`${campaignId} plan`));
  if (uploaded.status !== 201) return uploaded;
  return as.post(`/api/campaigns/${encodeURIComponent(campaignId)}/submit`, { planDocumentId: uploaded.body.documentId, ...body });
}

/** A campaign draft for specs about who may act on it: one product, phone, two tiers, spring 2026, 10% control. */
export function campaignDraft(campaignId: string, ownerUnitId: string, name = campaignId) {
  return {
    campaignId,
    name,
    objective: 'x',
    ownerUnitId,
    productCodes: ['DEP-1Y'],
    channels: ['phone'],
    audience: { tiers: ['ordinary', 'standard'] },
    budget: '100.00',
    period: { start: '2026-03-01', end: '2026-05-31' },
    controlGroupPercent: 10,
  };
}
