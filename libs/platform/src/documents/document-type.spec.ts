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
