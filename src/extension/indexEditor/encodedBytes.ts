// The bytes a save writes for a document's text: VS Code hides a byte order mark from the text (and decodes UTF-16),
// yet a digest is of the bytes, so the index editor digests what a save writes, not the text.
const BOMS: Record<string, Buffer> = {
  utf8bom: Buffer.from([0xef, 0xbb, 0xbf]),
  utf16le: Buffer.from([0xff, 0xfe]),
  utf16be: Buffer.from([0xfe, 0xff]),
};

/**
 * `text` as VS Code saves it in `encoding` (UTF-8 with a mark, UTF-16 with theirs, as it writes them); undefined for
 * plain UTF-8 (the text's own bytes) and for the legacy single- and multi-byte encodings, which need a codec.
 */
export function encodedBytes(text: string, encoding: string | undefined): Buffer | undefined {
  switch (encoding) {
    case 'utf8bom':
      return Buffer.concat([BOMS.utf8bom!, Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([BOMS.utf16le!, Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([BOMS.utf16be!, Buffer.from(text, 'utf16le').swap16()]);
    default:
      return undefined;
  }
}

/** The saved bytes as text, as VS Code decodes them when it opens them: a byte order mark is not part of the text. */
export function decodedText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.subarray(0, 3).equals(BOMS.utf8bom!)) return buf.subarray(3).toString('utf8');
  if (buf.subarray(0, 2).equals(BOMS.utf16le!)) return buf.subarray(2).toString('utf16le');
  if (buf.subarray(0, 2).equals(BOMS.utf16be!)) return Buffer.from(buf.subarray(2, buf.length - (buf.length % 2))).swap16().toString('utf16le');
  return buf.toString('utf8');
}
