import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Office files built byte by byte for the tests, the way the formats lay them out: a ZIP package
 * (Office Open XML: .docx .xlsx .pptx, or a macro-enabled one) and an OLE2 compound file (.doc
 * .xls .ppt, or an installer, which is one too), plus a Windows program. Small, but each has the
 * structure a reader must walk (central directory, FAT, directory sectors), not just a magic number.
 */

const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** A ZIP file of these entries (deflated, like Office writes them), with its central directory. */
export function zip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const common = Buffer.concat([u16(20), u16(0), u16(8), u16(0), u16(0), u32(crc32(data)), u32(packed.length), u32(data.length), u16(nameBytes.length), u16(0)]);
    const local = Buffer.concat([u32(0x04034b50), common, nameBytes, packed]);
    centrals.push(Buffer.concat([u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u32(0), u32(offset), nameBytes]));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(centrals.length), u16(centrals.length), u32(central.length), u32(offset), u16(0)]);
  return Buffer.concat([...locals, central, end]);
}

const MAIN = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
  docm: 'application/vnd.ms-word.document.macroEnabled.main+xml',
} as const;
const PART = { docx: '/word/document.xml', xlsx: '/xl/workbook.xml', pptx: '/ppt/presentation.xml', docm: '/word/document.xml' } as const;

/** An Office Open XML package of that kind: [Content_Types].xml naming its main part, and the part. */
export function ooxml(kind: keyof typeof MAIN, extra: Record<string, string> = {}): Buffer {
  const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="${PART[kind]}" ContentType="${MAIN[kind]}"/></Types>`;
  return zip({ '[Content_Types].xml': types, [PART[kind].slice(1)]: '<document>季度营销方案</document>', ...extra });
}

/**
 * An OLE2 compound file (MS-CFB, version 3: 512-byte sectors) whose directory holds these streams:
 * header, then sector 0 the FAT, sector 1 the directory (a root entry and up to three streams, or storages given as `{ storage }`).
 */
export function compoundFile(streams: (string | { storage: string })[]): Buffer {
  const END = 0xfffffffe;
  const FREE = 0xffffffff;
  const header = Buffer.alloc(512, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18); // minor version
  header.writeUInt16LE(3, 0x1a); // major version 3
  header.writeUInt16LE(0xfffe, 0x1c); // little-endian
  header.writeUInt16LE(9, 0x1e); // 2^9 = 512-byte sectors
  header.writeUInt16LE(6, 0x20); // 64-byte mini sectors
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // the directory starts at sector 1
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(END, 0x3c); // no mini FAT
  header.writeUInt32LE(END, 0x44); // no DIFAT sectors
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREE, 0x4c + i * 4);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0 is the FAT itself
  fat.writeUInt32LE(END, 4); // the directory is one sector long
  const directory = Buffer.alloc(512, 0);
  ['Root Entry', ...streams].slice(0, 4).forEach((entry, i) => {
    const at = i * 128;
    const name = typeof entry === 'string' ? entry : entry.storage;
    const utf16 = Buffer.from(`${name}\0`, 'utf16le');
    utf16.copy(directory, at);
    directory.writeUInt16LE(utf16.length, at + 0x40);
    directory[at + 0x42] = i === 0 ? 5 : typeof entry === 'string' ? 2 : 1; // root storage, then streams (or storages)
    directory.writeUInt32LE(FREE, at + 0x44);
    directory.writeUInt32LE(FREE, at + 0x48);
    directory.writeUInt32LE(FREE, at + 0x4c);
    directory.writeUInt32LE(END, at + 0x74);
  });
  return Buffer.concat([header, fat, directory]);
}

/** The start of a Windows program (MZ header, DOS stub) and some padding: what a renamed .exe looks like. */
export function windowsProgram(): Buffer {
  const stub = Buffer.alloc(1024, 0);
  stub.write('MZ', 0, 'latin1');
  stub.writeUInt32LE(0x80, 0x3c);
  stub.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  stub.write('PE\0\0', 0x80, 'latin1');
  return stub;
}
