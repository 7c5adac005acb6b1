import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaign plan documents (004 篇九 第三十条: the plan goes with the application), kept in
 * PostgreSQL beside the read models, never in the event log: the log records a submission's
 * document by id and SHA-256 (`CampaignSubmitted`), and the bytes live here. A table rather than
 * files under DATA_DIR because several api processes may serve one bank (compose, Kubernetes):
 * each must download what another stored, and the database is the one place they all share (and
 * back up). One row per campaign and content: the same bytes uploaded again are the same document.
 */
export class PlanDocuments1764000017000 implements MigrationInterface {
  readonly name = 'PlanDocuments1764000017000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plan_documents (
        document_id  uuid PRIMARY KEY,
        campaign_id  text NOT NULL,
        sha256       text NOT NULL,
        file_name    text NOT NULL,
        media_type   text NOT NULL,
        size         integer NOT NULL,
        content      bytea NOT NULL,
        uploaded_by  text NOT NULL,
        uploaded_at  timestamptz NOT NULL,
        UNIQUE (campaign_id, sha256)
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE plan_documents`);
  }
}

export interface PlanDocument {
  readonly documentId: string;
  readonly campaignId: string;
  /** Hex SHA-256 of the bytes, as `CampaignSubmitted` records it. */
  readonly sha256: string;
  readonly fileName: string;
  readonly mediaType: string;
  readonly size: number;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
}

const COLUMNS = `document_id, campaign_id, sha256, file_name, media_type, size, uploaded_by, uploaded_at`;
type Row = { document_id: string; campaign_id: string; sha256: string; file_name: string; media_type: string; size: number; uploaded_by: string; uploaded_at: Date };
const toDocument = (r: Row): PlanDocument => ({
  documentId: r.document_id,
  campaignId: r.campaign_id,
  sha256: r.sha256,
  fileName: r.file_name,
  mediaType: r.media_type,
  size: r.size,
  uploadedBy: r.uploaded_by,
  uploadedAt: r.uploaded_at.toISOString(),
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PlanDocumentStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Keeps a document's bytes; the same bytes for the same campaign answer the document already kept.
   * `documentId`: for histories that must come out the same every time (the demo seed); else a random one.
   */
  async store(d: { campaignId: string; fileName: string; mediaType: string; content: Buffer; uploadedBy: string; uploadedAt: string; documentId?: string }): Promise<PlanDocument> {
    const sha256 = createHash('sha256').update(d.content).digest('hex');
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO plan_documents (document_id, campaign_id, sha256, file_name, media_type, size, content, uploaded_by, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (campaign_id, sha256) DO NOTHING RETURNING ${COLUMNS}`,
      [d.documentId ?? randomUUID(), d.campaignId, sha256, d.fileName, d.mediaType, d.content.length, d.content, d.uploadedBy, d.uploadedAt],
    );
    if (rows[0]) return toDocument(rows[0]);
    const kept = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM plan_documents WHERE campaign_id = $1 AND sha256 = $2`, [d.campaignId, sha256]);
    return toDocument(kept.rows[0]!);
  }

  /** A document's facts (no bytes), or null for an id that names none. */
  async find(documentId: string): Promise<PlanDocument | null> {
    if (!UUID.test(documentId)) return null;
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM plan_documents WHERE document_id = $1`, [documentId]);
    return rows[0] ? toDocument(rows[0]) : null;
  }

  /** A campaign's document with its bytes, or null (another campaign's id answers null too). */
  async content(campaignId: string, documentId: string): Promise<{ document: PlanDocument; content: Buffer } | null> {
    if (!UUID.test(documentId)) return null;
    const { rows } = await this.pool.query<Row & { content: Buffer }>(`SELECT ${COLUMNS}, content FROM plan_documents WHERE document_id = $1 AND campaign_id = $2`, [documentId, campaignId]);
    return rows[0] ? { document: toDocument(rows[0]), content: rows[0].content } : null;
  }
}
