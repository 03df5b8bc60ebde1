/**
 * Base64 as Go's encoding/json reads a `[]byte` field (the descriptor `data`): base64.StdEncoding, padding
 * required, CR and LF skipped, anything else refused. Node's own decoder silently drops bad characters, so a
 * descriptor Go would refuse could otherwise pass here.
 */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The decoded bytes, or undefined when Go would refuse the text. */
export function decodeGoBase64(text: string): Buffer | undefined {
  const clean = text.includes('\r') || text.includes('\n') ? text.replace(/[\r\n]/g, '') : text;
  if (!STD_BASE64.test(clean)) return undefined;
  return Buffer.from(clean, 'base64');
}
