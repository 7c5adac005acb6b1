import type { Queryable } from '../runner/read-model-position';
import type { InboxRow, RequestKind } from './approval-inbox.projection';

export interface InboxItem {
  readonly kind: RequestKind;
  readonly requestId: string;
  readonly unitId: string | null;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly facts: Record<string, unknown>;
  readonly status: InboxRow['status'];
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly reason: string | null;
}

const item = (r: InboxRow & { requested_at: Date | string; decided_at: Date | string | null }): InboxItem => ({
  kind: r.kind,
  // A transfer's row is the pair [customerId, requestId]; the request is named by its own id (facts.customerId says whose).
  requestId: r.kind === 'transfer' && typeof r.facts.requestId === 'string' ? r.facts.requestId : r.request_id,
  unitId: r.unit_id,
  requestedBy: r.requested_by,
  requestedAt: new Date(r.requested_at).toISOString(),
  facts: r.facts,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at === null ? null : new Date(r.decided_at).toISOString(),
  reason: r.reason,
});

/** Every request still waiting for a decision, oldest first. */
export async function pendingRequests(db: Queryable): Promise<InboxItem[]> {
  const { rows } = await db.query(`SELECT * FROM ai_requests WHERE status = 'pending' ORDER BY requested_at, kind, request_id`);
  return rows.map(item);
}

/** The requests someone made, newest first, with their outcome. */
export async function requestsBy(db: Queryable, staffId: string): Promise<InboxItem[]> {
  const { rows } = await db.query(`SELECT * FROM ai_requests WHERE requested_by = $1 ORDER BY requested_at DESC, kind, request_id LIMIT 500`, [staffId]);
  return rows.map(item);
}
