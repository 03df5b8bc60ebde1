// How a name other tools wrote (index.json's org.opencontainers.image.ref.name, a registry's tag list) is shown to a
// person: the CLI's lines and the extension's rows, picks and messages all show it this one way. JSON output keeps
// the exact string. Regex literals only: nothing here may cost the CLI's start-up (no Intl object).

// What cannot be seen, or acts instead of showing: controls (C0, DEL, C1: a newline passes for another row, ESC and
// CSI drive the terminal), format characters (zero-width spaces and joiners, bidirectional embeddings, overrides
// and isolates that reorder what follows, the byte order mark, tag characters), line and paragraph separators, lone
// surrogates, the other default-ignorable characters (variation selectors, Hangul fillers) and spaces other than
// U+0020 (a no-break space passes for a space).
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u;
const UNSEEN_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;

/** True when `text` holds a character that cannot be seen as itself (see UNSEEN). */
export function holdsUnseen(text: string): boolean {
  return UNSEEN.test(text);
}

/**
 * `text` in double quotes as JSON writes it, and each character that cannot be seen escaped too (`\u200b`; one past
 * U+FFFF as its two UTF-16 units, as JSON does): what is between the quotes is exactly the text, readable.
 */
export function quotedText(text: string): string {
  return JSON.stringify(text).replace(UNSEEN_ALL, escaped);
}

/** A character as JSON escapes it: `\u200b` (one past U+FFFF as its two UTF-16 units). */
function escaped(c: string): string {
  return [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
}

/**
 * A stored name as a line, a row or a pick shows it: as it is, or quoted with the odd characters escaped
 * (`"latest\u200b"`) when it holds one that cannot be seen, is empty, or begins or ends with a space, so that it
 * cannot pass for another name (`latest`), another row (a newline) or drive the terminal (an escape sequence).
 * Never the case for a valid tag; letters of any script (`café`, `日本語`) show as they are.
 */
export function shownName(name: string): string {
  return name === '' || name.startsWith(' ') || name.endsWith(' ') || holdsUnseen(name) ? quotedText(name) : name;
}

/**
 * A message for a terminal, each character that cannot be seen written `\uXXXX` but line breaks and tabs: an error
 * that quotes what a registry or a file held (its text, a name no check has shown yet) cannot then reorder or hide
 * the rest of the line, or drive the terminal (ESC).
 */
export function visibleMessage(text: string): string {
  if (!holdsUnseen(text)) return text;
  return text.replace(UNSEEN_ALL, (c) => (c === '\n' || c === '\t' ? c : escaped(c)));
}
