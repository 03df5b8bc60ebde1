// How the webview pages show a name another tool wrote (a tag, an annotation, an artifact type, a platform): as it
// is, or quoted with what cannot be seen escaped (`"v1\u202e3.0.1"`), the way the CLI and the extension's rows and
// messages show it (src/oci/shownName.ts). A page may not import the core (see the README's code map), so this is
// a copy of it; test/unit/pageShownName.test.ts holds the two to the same answer for every code point.

// Controls, format characters (zero-width ones, bidirectional overrides and isolates that reorder what follows),
// line and paragraph separators, lone surrogates, the other default-ignorable characters and spaces other than
// U+0020: what cannot be seen as itself, or acts instead of showing.
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u;
const UNSEEN_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;

/** True when `text` holds a character that cannot be seen as itself. */
export function holdsUnseen(text: string): boolean {
  return UNSEEN.test(text);
}

/** `text` in double quotes as JSON writes it, and each character that cannot be seen escaped too (`\u200b`). */
export function quotedText(text: string): string {
  const escape = (c: string) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  return JSON.stringify(text).replace(UNSEEN_ALL, escape);
}

/**
 * A stored name as a cell shows it: as it is, or quoted with the odd characters escaped when it holds one that
 * cannot be seen, is empty, or begins or ends with a space, so that it cannot pass for another name or reorder the row.
 */
export function shownName(name: string): string {
  return name === '' || name.startsWith(' ') || name.endsWith(' ') || holdsUnseen(name) ? quotedText(name) : name;
}
