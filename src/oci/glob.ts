// `*` patterns (the kinds table's, `cp --only`'s artifact types, platform patterns): `*` is any run of characters,
// newlines and none included; everything else is literal. Matched without a RegExp: the first piece is a prefix,
// the last a suffix and each piece between is taken at its leftmost place after the one before (which is exact for
// `*` alone), so a pattern of many stars against a megabyte artifact type from a registry costs a few scans rather
// than the backtracking of `^.*a.*a.*b$`, and nothing is compiled per call.

/** Whether `text` matches `pattern`; `ignoreCase` compares both lower-cased. */
export function globMatches(pattern: string, text: string, ignoreCase = false): boolean {
  if (ignoreCase) [pattern, text] = [pattern.toLowerCase(), text.toLowerCase()];
  if (!pattern.includes('*')) return pattern === text;
  const pieces = pattern.split('*');
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (const piece of pieces.slice(1, -1)) {
    if (piece === '') continue;
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
