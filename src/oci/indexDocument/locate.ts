/**
 * Where a finding is in the text, from its JSON path: the value that is wrong, the key that is misspelt or
 * repeated, or, for a field that is missing, the object that lacks it (by its key, or its first line).
 */
import { findNodeAtOffset, type Node as JsonNode } from 'jsonc-parser';
import type { PathSegment, ProblemCode } from '../validate';
import { nodeAt, type ParsedText } from './jsonText';

export interface Span {
  offset: number;
  length: number;
}

function keyOf(node: JsonNode): JsonNode | undefined {
  return node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
}

/**
 * A large object or array is marked by its key, else (an entry of a list, the document) by its digest or its
 * first key: underlining 40 lines, or a whole compact document, helps nobody.
 */
function head(text: string, node: JsonNode): Span {
  const oneLine = !text.slice(node.offset, node.offset + node.length).includes('\n');
  if (oneLine && node.length <= 120) return { offset: node.offset, length: node.length };
  const key = keyOf(node) ?? digestOf(node) ?? (node.type === 'object' ? node.children?.[0]?.children?.[0] : undefined);
  return key ? { offset: key.offset, length: key.length } : { offset: node.offset, length: 1 };
}

function digestOf(node: JsonNode): JsonNode | undefined {
  const prop = node.type === 'object' ? node.children?.find((p) => p.children?.[0]?.value === 'digest') : undefined;
  return prop?.children?.[1];
}

/** The value node, or its key for problems about the key itself. */
function spanOf(text: string, node: JsonNode, code: string): Span {
  if (code === 'field-case') {
    const key = keyOf(node);
    if (key) return { offset: key.offset, length: key.length };
  }
  if (node.type === 'object' || node.type === 'array') return head(text, node);
  return { offset: node.offset, length: node.length };
}

export function locate(parsed: ParsedText, finding: { segments: readonly PathSegment[]; code: ProblemCode | string; offset?: number }): Span {
  const { text, root } = parsed;
  if (finding.offset !== undefined) {
    const offset = Math.min(finding.offset, text.length);
    // A key written again: the whole key where the validator found it (in whichever copy of what holds it).
    const key = finding.code === 'duplicate-key' && root ? findNodeAtOffset(root, offset) : undefined;
    if (key?.type === 'string' && key.offset === offset) return { offset, length: key.length };
    return { offset, length: offset < text.length ? 1 : 0 };
  }
  if (!root) return { offset: 0, length: Math.min(1, text.length) };
  const segments = [...finding.segments];
  if (finding.code === 'duplicate-key' && segments.length > 0) {
    // The repeated key, not the first one (which findNodeAtLocation would find).
    const key = segments[segments.length - 1];
    const owner = nodeAt(parsed, segments.slice(0, -1));
    const props = (owner?.children ?? []).filter((p) => p.type === 'property' && p.children?.[0]?.value === key);
    const last = props[props.length - 1]?.children?.[0];
    if (last) return { offset: last.offset, length: last.length };
  }
  const node = nodeAt(parsed, segments);
  if (node) return spanOf(text, node, finding.code);
  // Missing: the deepest part of the path that is there.
  for (let n = segments.length - 1; n >= 0; n--) {
    const ancestor = nodeAt(parsed, segments.slice(0, n));
    if (ancestor) return ancestor.type === 'object' || ancestor.type === 'array' ? head(text, ancestor) : { offset: ancestor.offset, length: ancestor.length };
  }
  return head(text, root);
}
