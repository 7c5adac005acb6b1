import { createHash } from 'node:crypto';
import { planPdf } from '@app/demo';
import { api, seedOrganisation, storedEvents, type ApiResponse } from '../../../../test/support/api';
import { compoundFile, ooxml, windowsProgram } from '../../../../test/support/documents';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * Issue 15, "Plan and submit" (DOMAIN.md, Campaigns: "The plan document is attached at submission"):
 * the plan is uploaded, size-limited and type-checked by its bytes, kept outside the event log,
 * and the submission records its SHA-256; only those who see the campaign read it.
 */
describe('campaign plan documents', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  // A small limit for the test: 64 KiB = 65,536 bytes.
  const LIMIT = 64 * 1024;
  const draft = (campaignId: string, ownerUnitId = 'BR1') => ({ campaignId, name: campaignId, ownerUnitId, productCodes: ['DEP-1Y'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' } });
  const ok = (r: ApiResponse) => {
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const upload = (who: string, campaignId: string, bytes: Buffer, fileName = 'plan.pdf', headers: Record<string, string> = {}) =>
    c.as(who).upload(`/api/campaigns/${campaignId}/plan-documents?fileName=${encodeURIComponent(fileName)}`, bytes, headers);
  const kept = async () => Number((await t.db.pool.query(`SELECT count(*) FROM plan_documents`)).rows[0].count);
  const head = async () => {
    const p = await t.runtime.store.headPosition();
    return p ? `${p.commit}/${p.prepare}` : 'empty';
  };
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  beforeAll(async () => {
    t = await startTestApp({ PLAN_DOCUMENT_MAX_BYTES: String(LIMIT) });
    c = api(t);
    await seedOrganisation(t);
    ok(await c.as('admin').post('/api/org/staff', { staffId: 'mkt-br2', displayName: 'mkt-br2', role: 'marketer', unitId: 'BR2' }));
    for (const id of ['K1', 'K2', 'K3', 'K4']) ok(await c.as('mkt-br1').post('/api/campaigns', draft(id)));
  });
  afterAll(() => t?.close());

  it('keeps the uploaded plan and records its SHA-256 in CampaignSubmitted; the approver downloads the same bytes', async () => {
    const bytes = planPdf('K1 spring deposit drive');
    const up = await upload('mkt-br1', 'K1', bytes, '春季存款方案.pdf', { 'content-type': 'application/pdf' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ campaignId: 'K1', fileName: '春季存款方案.pdf', mediaType: 'application/pdf', size: bytes.length, uploadedBy: 'mkt-br1' });
    ok(await c.as('mkt-br1').post('/api/campaigns/K1/submit', { planDocumentId: up.body.documentId }));
    const submitted = (await storedEvents(t, 'campaign-K1')).find((e) => e.type === 'CampaignSubmitted')!;
    // the hash worked out here, over the bytes sent, with node:crypto
    expect(submitted.data).toEqual({
      campaignId: 'K1',
      planDocument: { documentId: up.body.documentId, sha256: sha256(bytes), fileName: '春季存款方案.pdf', mediaType: 'application/pdf', size: bytes.length },
      planDocumentRef: null,
      submittedBy: 'mkt-br1',
    });
    const res = await fetch(`${t.url}/api/campaigns/K1/plan-documents/${up.body.documentId}`, { headers: { authorization: `Bearer ${t.runtime.tokens.issue('appr-ho').token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('春季存款方案.pdf')}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('takes an upload sent to the path in other letter case with a JSON Content-Type (the parser must not eat it), and names a quoted file exactly', async () => {
    ok(await c.as('mkt-br1').post('/api/campaigns', draft('K6')));
    const bytes = planPdf('K6 plan');
    const token = t.runtime.tokens.issue('mkt-br1').token;
    // Express routes ignore case; a body eaten by the JSON parser left the handler waiting for ever (aborted here after 10 s).
    const res = await fetch(`${t.url}/API/Campaigns/K6/Plan-Documents?fileName=${encodeURIComponent("O'Brien (final)*.pdf")}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: bytes,
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(201);
    const { documentId } = (await res.json()) as { documentId: string };
    const down = await fetch(`${t.url}/api/campaigns/K6/plan-documents/${documentId}`, { headers: { authorization: `Bearer ${token}` } });
    // RFC 8187: ' ( ) * percent-encoded by hand: %27 %28 %29 %2A, the space %20.
    expect(down.headers.get('content-disposition')).toBe(`attachment; filename="O'Brien (final)*.pdf"; filename*=UTF-8''O%27Brien%20%28final%29%2A.pdf`);
  });

  it('refuses a renamed Windows program (415), whatever its name and Content-Type say, and keeps nothing', async () => {
    const before = await kept();
    const res = await upload('mkt-br1', 'K2', windowsProgram(), 'plan.pdf', { 'content-type': 'application/pdf' });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'DOCUMENT_TYPE_NOT_ALLOWED', details: { field: 'planDocument' } });
    expect(await kept()).toBe(before);
  });

  it('takes Office files by their structure, and names them by what they are', async () => {
    const docx = await upload('mkt-br1', 'K2', ooxml('docx'), '方案');
    expect(docx.body).toMatchObject({ fileName: '方案.docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    // an old Excel workbook sent as .pdf: kept as the workbook it is
    const xls = await upload('mkt-br1', 'K2', compoundFile(['Workbook']), 'budget.pdf');
    expect(xls.body).toMatchObject({ fileName: 'budget.pdf.xls', mediaType: 'application/vnd.ms-excel' });
    expect((await upload('mkt-br1', 'K2', ooxml('docm'), 'macro.docx')).body.error.code).toBe('DOCUMENT_TYPE_NOT_ALLOWED');
  });

  it(`refuses a document over the limit (${LIMIT} bytes) with 413, whether its length is declared or not, and takes one of exactly the limit`, async () => {
    const before = await kept();
    // %PDF- and padding: 65,536 + 1 = 65,537 bytes
    const over = Buffer.concat([planPdf('big'), Buffer.alloc(LIMIT + 1 - planPdf('big').length, 0x20)]);
    expect(over.length).toBe(LIMIT + 1);
    const declared = await upload('mkt-br1', 'K3', over);
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', details: { limit: LIMIT, field: 'planDocument' } });
    // sent in chunks without a Content-Length: refused once the bytes pass the limit
    const chunked = await fetch(`${t.url}/api/campaigns/K3/plan-documents?fileName=big.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.runtime.tokens.issue('mkt-br1').token}`, 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < over.length; at += 8192) controller.enqueue(over.subarray(at, at + 8192));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('DOCUMENT_TOO_LARGE');
    expect(await kept()).toBe(before);
    // 65,536 bytes: at the limit, taken
    expect((await upload('mkt-br1', 'K3', over.subarray(0, LIMIT))).body).toMatchObject({ size: LIMIT });
  });

  it('reads no body before the token: a stranger\'s upload over 4 KiB is refused unread, a smaller one gets 401', async () => {
    const big = await fetch(`${t.url}/api/campaigns/K3/plan-documents?fileName=p.pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: Buffer.concat([planPdf('x'), Buffer.alloc(5000)]) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE_WITHOUT_TOKEN');
    const small = await fetch(`${t.url}/api/campaigns/K3/plan-documents?fileName=p.pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.4') });
    expect(small.status).toBe(401);
  });

  it('lets only those who see the campaign download its plan, and only its marketing upload one', async () => {
    const up = ok(await upload('mkt-br1', 'K4', planPdf('K4 plan')));
    const get = (who: string, campaignId = 'K4') => c.as(who).get(`/api/campaigns/${campaignId}/plan-documents/${up.body.documentId}`);
    // BR1's head, SB1's marketer (K4 runs in SB1) and head office's analyst see K4
    for (const who of ['head-br1', 'mkt-sb1', 'admin']) expect({ who, status: (await get(who)).status }).toEqual({ who, status: 200 });
    // another branch's marketer: as if K4 did not exist
    const outsider = await get('mkt-br2');
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('UNKNOWN_CAMPAIGN');
    // K4's document through K1's URL: not K1's
    expect((await get('head-br1', 'K1')).body.error.code).toBe('UNKNOWN_PLAN_DOCUMENT');
    // uploads: not from another branch, nor from a unit below the owner (as a submission is refused)
    // another branch's marketer cannot see K4: the same 404 as for a campaign that does not exist
    expect((await upload('mkt-br2', 'K4', planPdf('x'))).body.error.code).toBe('UNKNOWN_CAMPAIGN');
    expect((await upload('mkt-sb1', 'K4', planPdf('x'))).body.error.code).toBe('OUTSIDE_SCOPE');
    expect((await upload('appr-br1', 'K4', planPdf('x'))).body.error.code).toBe('ROLE_NOT_ALLOWED');
    expect((await upload('mkt-br1', 'NOPE', planPdf('x'))).status).toBe(404);
  });

  it('answers the same bytes with the same document, and refuses plans once the campaign is submitted', async () => {
    const bytes = planPdf('K4 plan');
    const again = ok(await upload('mkt-br1', 'K4', bytes, 'again.pdf'));
    const first = (await t.db.pool.query(`SELECT document_id FROM plan_documents WHERE campaign_id = 'K4'`)).rows;
    expect(first).toEqual([{ document_id: again.body.documentId }]);
    ok(await c.as('mkt-br1').post('/api/campaigns/K4/submit', { planDocumentId: again.body.documentId }));
    const late = await upload('mkt-br1', 'K4', planPdf('K4 plan v2'));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('INVALID_CAMPAIGN_STATE');
  });

  it('refuses a submission naming no upload or another campaign\'s, beside the field, and appends nothing', async () => {
    ok(await c.as('mkt-br1').post('/api/campaigns', draft('K5')));
    const k4 = (await t.db.pool.query(`SELECT document_id FROM plan_documents WHERE campaign_id = 'K4'`)).rows[0].document_id;
    const before = await head();
    const other = await c.as('mkt-br1').post('/api/campaigns/K5/submit', { planDocumentId: k4 });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN', details: { field: 'planDocumentId' } });
    const none = await c.as('mkt-br1').post('/api/campaigns/K5/submit', { planDocumentId: '8f0c2a34-5b7e-4d21-9a6c-0e1f2b3c4d5e' });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({ code: 'UNKNOWN_PLAN_DOCUMENT', details: { field: 'planDocumentId' } });
    expect((await c.as('mkt-br1').post('/api/campaigns/K5/submit', { planDocumentRef: 'dms://K5.pdf' })).status).toBe(400);
    expect(await head()).toBe(before);
  });
});
