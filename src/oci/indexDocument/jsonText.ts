/**
 * Small structural edits over JSON text that keep everything else byte for byte: the text stays the source of
 * truth, so an edit must read in a diff as what the user did and nothing more. Positions come from jsonc-parser's
 * tree; the new text follows the style around it: Go's compact form (what oras and Manifold store, where a
 * rewrite could only change the digest for nothing) or indented, with the document's own indent and line ends.
 *
 * jsonc-parser's own `modify` is not used for this: it drops the wrong comma when removing the last element of a
 * compact array (`[1,2]` becomes `[12]`), and its formatter reflows every line it touches.
 */
import { parseTree, type Edit, type Node as JsonNode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import { goCompareKeys, goQuote } from '../encoding/goJson';
import { OciError } from '../errors';
import { formatPath, type PathSegment } from '../validate';

export type { Edit, JsonNode };

export interface TextStyle {
  /** The whole document on one line, as Go's json.Marshal writes it. */
  compact: boolean;
  /** One level of indentation (two spaces, four, a tab). */
  indent: string;
  eol: '\n' | '\r\n';
}

export interface ParsedText {
  text: string;
  root: JsonNode | undefined;
  errors: ParseError[];
  style: TextStyle;
}

export function parseText(text: string): ParsedText {
  const errors: ParseError[] = [];
  // jsonc-parser recurses once per level, and so does getNodeValue over its tree: a value nested some thousands
  // deep (typed, pasted, a tool's bug) overflows the stack. The tree is read over the text with what lies deeper
  // than MAX_DEPTH blanked out.
  let { flat, blanked } = flattened(text, true);
  let root: JsonNode | undefined;
  try {
    root = parseTree(flat, errors, { allowTrailingComma: false, disallowComments: true });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    // Broken text where jsonc-parser reads a string's end elsewhere than the scan did: every bracket counts.
    ({ flat, blanked } = flattened(text, false));
    errors.length = 0;
    root = parseTree(flat, errors, { allowTrailingComma: false, disallowComments: true });
  }
  if (blanked >= 0 && errors.length === 0 && !isJson(text)) errors.push({ error: INVALID_SYMBOL, offset: blanked, length: 1 });
  return { text, root, errors, style: detectStyle(text) };
}

// ParseErrorCode.InvalidSymbol: a const enum of a declaration file, which esbuild cannot inline.
const INVALID_SYMBOL = 1 as ParseErrorCode;

/** How deep the tree goes: deeper containers read as empty (an OCI document is a few levels deep). */
export const MAX_DEPTH = 512;

/**
 * `text` with the content of every container that opens at depth MAX_DEPTH replaced by spaces: the same length, so
 * every offset of the tree is one of `text`; `blanked` is where the first blanked content starts (-1: none, the
 * text as it is).
 */
const LINE_BREAK = /[\r\n]/g;

function flattened(text: string, strings: boolean): { flat: string; blanked: number } {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  let start = -1;
  let blanked = -1;
  // Where the line of the string being skipped ends (found once a line, not once a string).
  let lineEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 && strings) {
      // A string, skipped whole: indexOf finds its end far faster than a loop (a quote after an odd number of
      // backslashes is escaped); one never closed ends at the line's end, as jsonc-parser ends it.
      let end = text.indexOf('"', i + 1);
      for (;;) {
        if (end === -1) break;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (lineEnd <= i) {
        LINE_BREAK.lastIndex = i + 1;
        lineEnd = LINE_BREAK.exec(text)?.index ?? text.length;
      }
      if (end === -1 || end > lineEnd) {
        if (lineEnd >= text.length) break;
        end = lineEnd;
      }
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth === MAX_DEPTH && start < 0) start = i + 1;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      if (depth-- === MAX_DEPTH && start >= 0) {
        parts.push(text.slice(from, start), ' '.repeat(i - start));
        if (blanked < 0) blanked = start;
        from = i;
        start = -1;
      }
    }
  }
  if (start >= 0) {
    parts.push(text.slice(from, start), ' '.repeat(text.length - start));
    if (blanked < 0) blanked = start;
    from = text.length;
  }
  if (blanked < 0) return { flat: text, blanked };
  parts.push(text.slice(from));
  return { flat: parts.join(''), blanked };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** How the document is laid out, from its first indented line. */
export function detectStyle(text: string): TextStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = text.trim();
  if (!body.includes('\n')) return { compact: true, indent: '  ', eol };
  const m = /\n([ \t]+)\S/.exec(text);
  return { compact: false, indent: m ? m[1]! : '  ', eol };
}

/**
 * The node at `path`, or undefined. Of a key written twice the last one counts, as JSON.parse and Go's decoder
 * read it (and so the validator, the layout and every peer): the table shows it and the edits change it.
 * (jsonc-parser's findNodeAtLocation finds the first.)
 */
export function nodeAt(parsed: ParsedText, path: readonly PathSegment[]): JsonNode | undefined {
  let node = parsed.root;
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') {
      node = node.type === 'array' ? node.children?.[segment] : undefined;
    } else {
      node = node.type === 'object' ? propertiesNamed(node, segment).pop()?.children?.[1] : undefined;
    }
  }
  return node;
}

/** The properties of an object written with this key, in text order (more than one: a key written twice). */
function propertiesNamed(obj: JsonNode, key: string): JsonNode[] {
  return (obj.children ?? []).filter((p) => p.type === 'property' && p.children?.length === 2 && p.children[0]!.value === key);
}

/**
 * A value as JSON text. Compact documents get Go's escaping (`\u0026` for `&`, ...) so that an edit leaves
 * the bytes oras would write for the same document; indented ones get JSON.stringify's, which people can read.
 * Object keys keep the order given: callers build values in the spec's field order.
 */
export function serialize(value: unknown, style: TextStyle, baseIndent: string | undefined): string {
  const quote = style.compact ? goQuote : (s: string) => JSON.stringify(s);
  const multiline = baseIndent !== undefined && !style.compact;
  const write = (v: unknown, indent: string): string => {
    if (typeof v === 'string') return quote(v);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new OciError('INVALID_ARGUMENT', `cannot write ${v} as JSON`);
      return String(v);
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (v === null) return 'null';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (!multiline) return `[${v.map((x) => write(x, indent)).join(style.compact ? ',' : ', ')}]`;
      const inner = indent + style.indent;
      return `[${style.eol}${v.map((x) => inner + write(x, inner)).join(`,${style.eol}`)}${style.eol}${indent}]`;
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (entries.length === 0) return '{}';
      if (!multiline) {
        const sep = style.compact ? ':' : ': ';
        return `{${entries.map(([k, x]) => `${quote(k)}${sep}${write(x, indent)}`).join(style.compact ? ',' : ', ')}}`;
      }
      const inner = indent + style.indent;
      return `{${style.eol}${entries.map(([k, x]) => `${inner}${quote(k)}: ${write(x, inner)}`).join(`,${style.eol}`)}${style.eol}${indent}}`;
    }
    throw new OciError('INVALID_ARGUMENT', `cannot write a ${typeof v} as JSON`);
  };
  return write(value, baseIndent ?? '');
}

function isMultiline(text: string, node: JsonNode): boolean {
  return text.slice(node.offset, node.offset + node.length).includes('\n');
}

/** The whitespace a node's line starts with (its own indentation when it starts the line). */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** The indentation of the children of a container node: that of its first child, else one level deeper than its line. */
function childIndent(parsed: ParsedText, container: JsonNode): string {
  const first = container.children?.[0];
  if (first) {
    const start = parsed.text.lastIndexOf('\n', first.offset - 1) + 1;
    if (/^[ \t]*$/.test(parsed.text.slice(start, first.offset))) return parsed.text.slice(start, first.offset);
  }
  return lineIndent(parsed.text, container.offset) + parsed.style.indent;
}

/** Whether new members of this container go on their own lines. */
function expands(parsed: ParsedText, container: JsonNode): boolean {
  if (parsed.style.compact) return false;
  // An empty container in an indented document opens up; a one-line container stays on one line.
  return (container.children?.length ?? 0) === 0 || isMultiline(parsed.text, container);
}

/** Inserts `member` (a property `"k": v` or an array element) as the `index`-th child of `container`. */
function insertMember(parsed: ParsedText, container: JsonNode, index: number, member: (indent: string | undefined) => string): Edit {
  const { text, style } = parsed;
  const children = container.children ?? [];
  const at = Math.max(0, Math.min(index, children.length));
  if (!expands(parsed, container)) {
    const sep = style.compact ? ',' : ', ';
    const content = member(undefined);
    if (children.length === 0) return { offset: container.offset + 1, length: container.length - 2, content };
    if (at === 0) return { offset: children[0]!.offset, length: 0, content: content + sep };
    const prev = children[at - 1]!;
    return { offset: prev.offset + prev.length, length: 0, content: sep + content };
  }
  const indent = childIndent(parsed, container);
  const content = member(indent);
  if (children.length === 0) {
    const outer = lineIndent(text, container.offset);
    return { offset: container.offset + 1, length: container.length - 2, content: `${style.eol}${indent}${content}${style.eol}${outer}` };
  }
  if (at === 0) return { offset: children[0]!.offset, length: 0, content: `${content},${style.eol}${indent}` };
  const prev = children[at - 1]!;
  return { offset: prev.offset + prev.length, length: 0, content: `,${style.eol}${indent}${content}` };
}

/** Removes the `index`-th child of `container` (a property node or an element) with exactly one separator. */
function removeMember(container: JsonNode, index: number): Edit {
  const children = container.children ?? [];
  const node = children[index]!;
  if (children.length === 1) return { offset: container.offset + 1, length: container.length - 2, content: '' };
  if (index < children.length - 1) return { offset: node.offset, length: children[index + 1]!.offset - node.offset, content: '' };
  const prev = children[index - 1]!;
  return { offset: prev.offset + prev.length, length: node.offset + node.length - prev.offset - prev.length, content: '' };
}

function container(parsed: ParsedText, path: readonly PathSegment[], type: 'object' | 'array'): JsonNode {
  const node = nodeAt(parsed, path);
  if (!node || node.type !== type) {
    throw new OciError('INVALID_ARGUMENT', `no ${type} at ${path.length === 0 ? 'the document root' : JSON.stringify(path)}`);
  }
  return node;
}

/** Where a new key goes: its place in `order` among the keys present, or the end. */
export type KeyOrder = (existing: string[], key: string) => number;

/** Keys in a fixed field order (the spec's struct order); unknown keys go after the known ones. */
export function fieldOrder(fields: readonly string[]): KeyOrder {
  return (existing, key) => {
    const rank = (k: string) => {
      const i = fields.indexOf(k);
      return i === -1 ? fields.length : i;
    };
    const mine = rank(key);
    const after = existing.findIndex((k) => rank(k) > mine);
    return after === -1 ? existing.length : after;
  };
}

/** Map keys sorted as Go sorts them, when the map already is sorted; otherwise a new key goes last. */
export const sortedKeys: KeyOrder = (existing, key) => {
  const sorted = existing.every((k, i) => i === 0 || goCompareKeys(existing[i - 1]!, k) <= 0);
  if (!sorted) return existing.length;
  const after = existing.findIndex((k) => goCompareKeys(k, key) > 0);
  return after === -1 ? existing.length : after;
};

/** Sets `key` of the object at `path` to `value`: replaces the value if the key exists, else inserts it in order. */
export function setProperty(parsed: ParsedText, path: readonly PathSegment[], key: string, value: unknown, order: KeyOrder): Edit[] {
  const obj = container(parsed, path, 'object');
  const props = obj.children ?? [];
  const existing = propertiesNamed(obj, key).pop();
  if (existing) {
    const valueNode = existing.children![1]!;
    const indent = expands(parsed, obj) ? lineIndent(parsed.text, existing.offset) : undefined;
    return [{ offset: valueNode.offset, length: valueNode.length, content: serialize(value, parsed.style, indent) }];
  }
  const at = order(props.map((p) => String(p.children?.[0]?.value)), key);
  const quote = parsed.style.compact ? goQuote : (s: string) => JSON.stringify(s);
  const sep = parsed.style.compact ? ':' : ': ';
  return [insertMember(parsed, obj, at, (indent) => `${quote(key)}${sep}${serialize(value, parsed.style, indent)}`)];
}

/**
 * Removes `key` from the object at `path`; nothing when it is absent. A key written twice is refused: removing
 * the copy that counts would bring back the other one, a removal that removes nothing.
 */
export function removeProperty(parsed: ParsedText, path: readonly PathSegment[], key: string): Edit[] {
  const obj = container(parsed, path, 'object');
  const copies = propertiesNamed(obj, key);
  if (copies.length > 1) {
    throw new OciError('INVALID_ARGUMENT', `${formatPath(path) || 'the document'} has the key ${JSON.stringify(key)} ${copies.length} times: remove the copies in the text first`);
  }
  return copies.length === 0 ? [] : [removeMember(obj, (obj.children ?? []).indexOf(copies[0]!))];
}

/** Inserts `values` into the array at `path` before position `index` (its length appends), in their order. */
export function insertElements(parsed: ParsedText, path: readonly PathSegment[], index: number, values: readonly unknown[]): Edit[] {
  if (values.length === 0) return [];
  const arr = container(parsed, path, 'array');
  const { style } = parsed;
  return [
    insertMember(parsed, arr, index, (indent) =>
      values.map((v) => serialize(v, style, indent)).join(indent === undefined ? (style.compact ? ',' : ', ') : `,${style.eol}${indent}`),
    ),
  ];
}

export function removeElement(parsed: ParsedText, path: readonly PathSegment[], index: number): Edit[] {
  const arr = container(parsed, path, 'array');
  if (index < 0 || index >= (arr.children?.length ?? 0)) throw new OciError('INVALID_ARGUMENT', `no element ${index} in ${JSON.stringify(path)}`);
  return [removeMember(arr, index)];
}

/**
 * Moves element `from` to position `to` by rewriting only the slots between them, each with the exact text of
 * the element that lands there: separators and each element's own layout stay as they were.
 */
export function moveElement(parsed: ParsedText, path: readonly PathSegment[], from: number, to: number): Edit[] {
  const arr = container(parsed, path, 'array');
  const children = arr.children ?? [];
  if (from < 0 || from >= children.length || to < 0 || to >= children.length) {
    throw new OciError('INVALID_ARGUMENT', `cannot move element ${from} to ${to} in an array of ${children.length}`);
  }
  const order = children.map((_, i) => i);
  order.splice(to, 0, ...order.splice(from, 1));
  const source = (n: JsonNode) => parsed.text.slice(n.offset, n.offset + n.length);
  const edits: Edit[] = [];
  for (let slot = Math.min(from, to); slot <= Math.max(from, to); slot++) {
    const node = children[slot]!;
    const content = source(children[order[slot]!]!);
    if (content !== source(node)) edits.push({ offset: node.offset, length: node.length, content });
  }
  return edits;
}
