import { planPdf } from '@app/demo';
import { compoundFile, ooxml, windowsProgram, zip } from '../../../../test/support/documents';
import { detectDocumentType } from './document-type';

/** Issue 15, "Plan and submit": the plan document is type-checked by its content, not its name. */
describe('what a plan document is, told by its bytes', () => {
  const ext = (b: Buffer) => detectDocumentType(b)?.extension ?? null;

  it('knows a PDF by its header', () => {
    expect(detectDocumentType(planPdf('K1 plan'))).toEqual({ mediaType: 'application/pdf', extension: 'pdf' });
  });

  it('tells Word, Excel and PowerPoint packages apart by the main part [Content_Types].xml names', () => {
    expect(ext(ooxml('docx'))).toBe('docx');
    expect(ext(ooxml('xlsx'))).toBe('xlsx');
    expect(ext(ooxml('pptx'))).toBe('pptx');
    expect(detectDocumentType(ooxml('xlsx'))!.mediaType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });

  it('refuses a macro-enabled package, and any package that carries a VBA project', () => {
    expect(ext(ooxml('docm'))).toBeNull();
    expect(ext(ooxml('docx', { 'word/vbaProject.bin': 'Attribute VB_Name' }))).toBeNull();
  });

  it('refuses macros a package carries under another name, ActiveX, and a template or object fetched from elsewhere when opened', () => {
    const types = (extra: string) =>
      `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>${extra}</Types>`;
    const doc = (entries: Record<string, string>) => zip({ 'word/document.xml': '<document/>', ...entries });
    expect(ext(doc({ '[Content_Types].xml': types('<Override PartName="/word/code.bin" ContentType="application/vnd.ms-office.vbaProject"/>'), 'word/code.bin': 'x' }))).toBeNull();
    expect(ext(doc({ '[Content_Types].xml': types('<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/>') }))).toBeNull();
    const rel = (attrs: string) => `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" ${attrs}/></Relationships>`;
    // Template injection: the settings part names a template on another server.
    expect(ext(doc({ '[Content_Types].xml': types(''), 'word/_rels/settings.xml.rels': rel('Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://203.0.113.9/t.dotm" TargetMode="External"') }))).toBeNull();
    expect(ext(doc({ '[Content_Types].xml': types(''), 'word/_rels/document.xml.rels': rel('TargetMode="External" Target="file://share/x.bin" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"') }))).toBeNull();
    // A hyperlink is external too, and harmless: still taken.
    expect(ext(doc({ '[Content_Types].xml': types(''), 'word/_rels/document.xml.rels': rel('Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://bank.example/" TargetMode="External"') }))).toBe('docx');
  });

  it('refuses a compound-file document holding a macro storage (Word\'s Macros, Excel\'s _VBA_PROJECT_CUR)', () => {
    expect(ext(compoundFile(['WordDocument', { storage: 'Macros' }]))).toBeNull();
    expect(ext(compoundFile(['Workbook', { storage: '_VBA_PROJECT_CUR' }]))).toBeNull();
    // A storage of another name is fine: Word keeps embedded objects in ObjectPool.
    expect(ext(compoundFile(['WordDocument', { storage: 'ObjectPool' }]))).toBe('doc');
  });

  it('refuses a ZIP that is no Office package (no [Content_Types].xml), however it is named', () => {
    expect(ext(zip({ 'plan.docx': 'not really', 'setup.exe': 'MZ' }))).toBeNull();
  });

  it('tells the compound-file Word, Excel and PowerPoint apart by the streams they hold', () => {
    expect(ext(compoundFile(['WordDocument', '1Table']))).toBe('doc');
    expect(ext(compoundFile(['Workbook']))).toBe('xls');
    expect(ext(compoundFile(['Book']))).toBe('xls'); // Excel 5/95
    expect(ext(compoundFile(['Current User', 'PowerPoint Document']))).toBe('ppt');
  });

  it('refuses other compound files: an installer (.msi) and an encrypted package are OLE2 too', () => {
    expect(ext(compoundFile(['\u4840\u3f3f\u4577SummaryInformation']))).toBeNull();
    expect(ext(compoundFile(['EncryptionInfo', 'EncryptedPackage']))).toBeNull();
  });

  it('refuses a Windows program, text, an empty file and a truncated document', () => {
    expect(ext(windowsProgram())).toBeNull();
    expect(ext(Buffer.from('季度营销方案\n预算 5000 元', 'utf8'))).toBeNull();
    expect(ext(Buffer.alloc(0))).toBeNull();
    // a .docx cut after its first entry: the central directory is gone
    expect(ext(ooxml('docx').subarray(0, 60))).toBeNull();
    // a compound file whose directory sector lies past its end
    expect(ext(compoundFile(['WordDocument']).subarray(0, 1024))).toBeNull();
  });

  it('is not fooled by a PDF signature further in, or a name-only disguise', () => {
    expect(ext(Buffer.concat([windowsProgram(), Buffer.from('%PDF-1.7')]))).toBeNull();
  });
});
