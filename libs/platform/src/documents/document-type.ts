import { inflateRawSync } from 'node:zlib';

/**
 * What a plan document is, told by its bytes alone (never its name or the client's Content-Type):
 * PDF; Word, Excel and PowerPoint of the OLE2 compound-file era (.doc .xls .ppt), told apart by the
 * streams they hold, so an installer (.msi) or an encrypted package, compound files too, is not taken
 * for one; and their Office Open XML successors (.docx .xlsx .pptx), ZIP files whose
 * [Content_Types].xml names the main part of a document, sheet or presentation (a macro-enabled
 * .docm/.xlsm/.pptm names another, and a package carrying a VBA project is refused outright).
 * Macros are refused wherever this can see them: a compound file's macro storages (`Macros` in
 * Word, `_VBA_PROJECT_CUR` in Excel, `VBA`), a package's VBA or ActiveX content types, and a
 * relationship that fetches code from elsewhere when opened (an external attached template,
 * OLE object, sub-document or frame: template injection). PowerPoint 97–2003 keeps its VBA inside
 * its main stream, which this does not parse: an approver's Office still warns there.
 */
export interface DocumentType {
  readonly mediaType: string;
  readonly extension: string;
}

export const ALLOWED_EXTENSIONS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx'] as const;

const PDF: DocumentType = { mediaType: 'application/pdf', extension: 'pdf' };
const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_LOCAL_HEADER = 0x04034b50;

/** The OLE2 stream that makes a compound file a Word, Excel or PowerPoint document. */
const OLE2_KINDS: readonly [stream: string, type: DocumentType][] = [
  ['WordDocument', { mediaType: 'application/msword', extension: 'doc' }],
  ['Workbook', { mediaType: 'application/vnd.ms-excel', extension: 'xls' }],
  ['Book', { mediaType: 'application/vnd.ms-excel', extension: 'xls' }],
  ['PowerPoint Document', { mediaType: 'application/vnd.ms-powerpoint', extension: 'ppt' }],
];

/** The main part's content type in [Content_Types].xml, per OOXML kind (ECMA-376 part 1, §11–13). */
const OOXML_KINDS: readonly [mainPart: string, type: DocumentType][] = [
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml', { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' }],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' }],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml', { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx' }],
];

/** The document's type, or null when its bytes are none of the allowed kinds (or are damaged). */
export function detectDocumentType(bytes: Buffer): DocumentType | null {
  try {
    if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return PDF;
    if (bytes.length >= 512 && bytes.subarray(0, 8).equals(OLE2_SIGNATURE)) return ole2Kind(bytes);
    if (bytes.length >= 30 && bytes.readUInt32LE(0) === ZIP_LOCAL_HEADER) return ooxmlKind(bytes);
  } catch {
    // A structure pointing outside the file: damaged, or made to mislead. Either way not accepted.
  }
  return null;
}

const END_OF_CHAIN = 0xfffffffe;
const FREE_SECTOR = 0xffffffff;

/** Storages and streams that hold a compound file's macros ([MS-OVBA] §2.2, [MS-DOC], [MS-XLS]). */
const OLE2_MACRO_ENTRIES = new Set(['macros', '_vba_project_cur', 'vba', '_vba_project']);

/** [MS-CFB]: the names of the streams in a compound file's directory decide what it is. */
function ole2Kind(b: Buffer): DocumentType | null {
  const shift = b.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const size = 1 << shift;
  const sector = (n: number) => {
    const start = (n + 1) * size;
    if (start + size > b.length) throw new RangeError('sector outside the file');
    return b.subarray(start, start + size);
  };
  // The FAT's sectors: 109 named in the header, the rest in a chain of DIFAT sectors.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) fatSectors.push(b.readUInt32LE(0x4c + i * 4));
  for (let next = b.readUInt32LE(0x44), hops = 0; next !== END_OF_CHAIN && next !== FREE_SECTOR && hops < b.length / size; hops++) {
    const difat = sector(next);
    for (let i = 0; i < size / 4 - 1; i++) fatSectors.push(difat.readUInt32LE(i * 4));
    next = difat.readUInt32LE(size - 4);
  }
  const fat = Buffer.concat(fatSectors.filter((s) => s !== FREE_SECTOR && s !== END_OF_CHAIN).map(sector));
  const names = new Set<string>();
  // The directory is a chain of sectors of 128-byte entries; a chain longer than the file is a loop.
  for (let s = b.readUInt32LE(0x30), hops = 0; s !== END_OF_CHAIN; hops++) {
    if (hops > b.length / size || s * 4 + 4 > fat.length) return null;
    const dir = sector(s);
    for (let at = 0; at < size; at += 128) {
      const nameBytes = dir.readUInt16LE(at + 0x40);
      const type = dir[at + 0x42];
      if ((type !== 1 && type !== 2) || nameBytes < 2 || nameBytes > 64) continue;
      const name = dir.subarray(at, at + nameBytes - 2).toString('utf16le');
      if (OLE2_MACRO_ENTRIES.has(name.toLowerCase())) return null;
      if (type === 2) names.add(name);
    }
    s = fat.readUInt32LE(s * 4);
  }
  return OLE2_KINDS.find(([stream]) => names.has(stream))?.[1] ?? null;
}

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
/** [Content_Types].xml is a few KB; more than this inflated is not a plan, it is a bomb. */
const MAX_CONTENT_TYPES_BYTES = 1 << 20;

/** A ZIP package: its central directory's [Content_Types].xml names the main part. */
function ooxmlKind(b: Buffer): DocumentType | null {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  let contentTypes: string | null = null;
  for (let i = 0; i < entries; i++) {
    if (b.readUInt32LE(at) !== CENTRAL_ENTRY) return null;
    const method = b.readUInt16LE(at + 10);
    const compressed = b.readUInt32LE(at + 20);
    const nameLength = b.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + b.readUInt16LE(at + 30) + b.readUInt16LE(at + 32);
    const name = b.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (/(^|\/)vbaProject\.bin$/i.test(name)) return null;
    if (name === '[Content_Types].xml') contentTypes = entryText(b, b.readUInt32LE(at + 42), method, compressed);
    if (/\.rels$/i.test(name)) {
      const rels = entryText(b, b.readUInt32LE(at + 42), method, compressed);
      if (rels === null || fetchesCodeWhenOpened(rels)) return null;
    }
    at = next;
  }
  if (contentTypes === null || MACRO_CONTENT_TYPE.test(contentTypes)) return null;
  return OOXML_KINDS.find(([main]) => new RegExp(`ContentType\\s*=\\s*["']${main.replace(/[.+]/g, '\\$&')}["']`).test(contentTypes!))?.[1] ?? null;
}

/** Content types of VBA projects, macro-enabled parts and ActiveX controls. */
const MACRO_CONTENT_TYPE = /ContentType\s*=\s*["'][^"']*(vbaProject|macroEnabled|activeX)[^"']*["']/i;
/** Relationship types that load something when the document is opened. */
const LOADS_WHEN_OPENED = /Type\s*=\s*["'][^"']*\/(attachedTemplate|oleObject|subDocument|frame|package)["']/i;

/** A relationships part that points a template, OLE object, sub-document or frame outside the package. */
function fetchesCodeWhenOpened(rels: string): boolean {
  for (const [tag] of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    if (/TargetMode\s*=\s*["']External["']/i.test(tag) && LOADS_WHEN_OPENED.test(tag)) return true;
  }
  return false;
}

function entryText(b: Buffer, localHeader: number, method: number, compressed: number): string | null {
  if (b.readUInt32LE(localHeader) !== ZIP_LOCAL_HEADER) return null;
  const start = localHeader + 30 + b.readUInt16LE(localHeader + 26) + b.readUInt16LE(localHeader + 28);
  if (start + compressed > b.length) return null;
  const data = b.subarray(start, start + compressed);
  if (method === 0) return data.length <= MAX_CONTENT_TYPES_BYTES ? data.toString('utf8') : null;
  if (method === 8) return inflateRawSync(data, { maxOutputLength: MAX_CONTENT_TYPES_BYTES }).toString('utf8');
  return null;
}
