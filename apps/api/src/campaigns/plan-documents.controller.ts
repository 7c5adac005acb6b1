import { Controller, Get, HttpException, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { campaignDecider, campaignStream, invalid, notFound, requirePlanAttachable, requirePlanReadable, type Actor } from '@app/domain';
import { loadState, OrganisationDirectory, RUNTIME } from '@app/application';
import { ALLOWED_EXTENSIONS, detectDocumentType, type Runtime } from '@app/platform';
import { ANY_ROLE, CurrentActor, Roles } from '../http/auth';
import { IdempotentByContent, readBody } from '../http/upload';
import { CreatedAnswer, planDocumentAnswer, type Answer } from '../openapi/answers';

const PLAN_DOCUMENT_EXAMPLE = {
  documentId: '0b6c1c8e-6a53-4a63-9d3f-1b0c2f7de2a1',
  campaignId: 'K-2026-001',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  fileName: '春季存款竞赛方案.pdf',
  mediaType: 'application/pdf',
  size: 182044,
  uploadedBy: 'mkt-sh',
  uploadedAt: '2026-02-20T01:30:00.000Z',
};

/** A file name as a person gave it: no path, no control characters, at most 200 characters. */
function fileNameOf(raw: string | undefined): string {
  const name = (raw ?? '').trim();
  if (!name || [...name].length > 200 || /[\u0000-\u001f\u007f/\\]/.test(name)) {
    throw invalid('INVALID_FILE_NAME', 'fileName is the document\'s name, 1–200 characters, without a path', { field: 'planDocument' });
  }
  return name;
}

/** The name as stored: the extension its bytes deserve (a PDF called plan.exe is kept as plan.exe.pdf). */
const withExtension = (name: string, extension: string) => (name.toLowerCase().endsWith(`.${extension}`) ? name : `${name}.${extension}`);

/** Content-Disposition for any name: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
/** RFC 6266 / 8187: an ASCII fallback, and the exact name percent-encoded (`'` is the field's own delimiter, so it and `()*` are encoded too). */
const attachment = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;

/**
 * The plan document of a campaign (004 篇九 第三十条: the application goes up with its plan): uploaded
 * before submission, kept outside the event log; the submission records its id and SHA-256.
 */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns')
export class PlanDocumentsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles('marketer', 'admin')
  @Post(':campaignId/plan-documents')
  @IdempotentByContent()
  @ApiOperation({
    summary: `Upload the plan document (${ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(' ')}), as the raw body; then submit with its documentId`,
    description:
      'The type is told by the bytes, never the name or Content-Type: PDF, OLE2 Word/Excel/PowerPoint, or Office Open XML without macros (415 DOCUMENT_TYPE_NOT_ALLOWED otherwise). At most PLAN_DOCUMENT_MAX_BYTES (10 MB by default; 413 DOCUMENT_TOO_LARGE). For the owning unit\'s marketing, while the campaign is a draft or rejected. The same bytes again answer the same document.',
  })
  @ApiConsumes('application/octet-stream')
  @ApiQuery({ name: 'fileName', required: true, description: 'the document\'s name as the person knows it (percent-encoded)', schema: { type: 'string', example: '春季存款竞赛方案.pdf' } })
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @CreatedAnswer(planDocumentAnswer, PLAN_DOCUMENT_EXAMPLE, 'the document kept')
  async upload(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Query('fileName') rawName?: string): Promise<Answer<typeof planDocumentAnswer>> {
    const fileName = fileNameOf(rawName);
    // Who may, and whether the campaign takes a plan now, from its own stream (a draft just written is there at once).
    const { state } = await loadState(this.runtime.store, campaignStream(campaignId), campaignDecider);
    requirePlanAttachable(state, await this.directory.current(), actor, campaignId);
    const content = await readBody(req, this.runtime.config.planDocumentMaxBytes);
    const type = detectDocumentType(content);
    if (!type) {
      throw new HttpException(
        { code: 'DOCUMENT_TYPE_NOT_ALLOWED', message: `a plan document is a PDF or an Office file (${ALLOWED_EXTENSIONS.join(', ')}), told by its content`, details: { allowed: ALLOWED_EXTENSIONS, field: 'planDocument' } },
        415,
      );
    }
    return this.runtime.planDocuments.store({ campaignId, fileName: withExtension(fileName, type.extension), mediaType: type.mediaType, content, uploadedBy: actor.userId, uploadedAt: new Date().toISOString() });
  }

  @Roles(...ANY_ROLE)
  @Get(':campaignId/plan-documents/:documentId')
  @ApiOperation({ summary: 'Download a plan document of a campaign the caller may see (404 otherwise, as for an unknown campaign)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the bytes as uploaded, with their media type; ETag is the SHA-256', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  async download(@CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Param('documentId') documentId: string, @Res() res: Response): Promise<void> {
    const { state } = await loadState(this.runtime.store, campaignStream(campaignId), campaignDecider);
    requirePlanReadable(state, await this.directory.current(), actor, campaignId);
    const found = await this.runtime.planDocuments.content(campaignId, documentId);
    if (!found) throw notFound('UNKNOWN_PLAN_DOCUMENT', `campaign ${campaignId} has no plan document ${documentId}`, { campaignId, documentId });
    res
      .status(200)
      .setHeader('Content-Type', found.document.mediaType)
      .setHeader('Content-Disposition', attachment(found.document.fileName))
      .setHeader('ETag', `"${found.document.sha256}"`)
      .setHeader('Cache-Control', 'private, no-store')
      .end(found.content);
  }
}
