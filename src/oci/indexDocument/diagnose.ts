/**
 * Everything wrong with an index or manifest document, located in its text: the core validator's problems, and,
 * for a document in a layout, the layout checks; each with the certain fix where there is one.
 */
import { MediaType } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { parseDocument, type ParsedDocument, type Problem } from '../validate';
import { parseText } from './jsonText';
import { duplicateFindings } from './duplicates';
import { checkAgainstLayout, type BlobFacts, type Finding, type QuickFix } from './layoutChecks';
import { locate } from './locate';

export interface DiagnoseOptions extends OpOptions {
  /** What the document must be (a layout's index.json, a `*.oci-index.json`). */
  expect?: 'index' | 'manifest';
  /** The layout the document is in, for the layout checks. */
  layout?: ReadOnlyTarget;
  layoutName?: string;
  /** Where the blobs are, for messages, when not a layout: `in localhost:5000/app`. */
  where?: string;
  /** The document is the layout's index.json. */
  layoutIndex?: boolean;
  /** Facts of blobs already read (content-addressed: keep it across runs). */
  cache?: Map<string, BlobFacts>;
  /** Read the blobs for the media type and platform checks (default); false checks presence and size only. */
  deep?: boolean;
  /** How many blobs are looked at at once. */
  concurrency?: number;
}

/** Fixes the validator's findings admit without looking anywhere else. */
function certainFix(p: Problem, kind: 'index' | 'manifest' | 'unknown'): QuickFix | undefined {
  if (p.code === 'missing-media-type' && p.path === 'mediaType' && kind !== 'unknown') {
    const mediaType = kind === 'index' ? MediaType.ImageIndex : MediaType.ImageManifest;
    return { title: `Add mediaType ${mediaType}`, intent: { type: 'setField', at: [], field: 'mediaType', value: mediaType } };
  }
  return undefined;
}

export async function diagnose(text: string, options: DiagnoseOptions = {}): Promise<Finding[]> {
  return (await diagnoseDocument(text, options)).findings;
}

/** diagnose, with the document as parsed: a caller that goes on to read it (check) parses and validates it once. */
export async function diagnoseDocument(text: string, options: DiagnoseOptions = {}): Promise<{ doc: ParsedDocument; findings: Finding[] }> {
  const doc = parseDocument(text, { expect: options.expect });
  const findings: Finding[] = doc.problems.map((p) => {
    const f: Finding = { path: p.path, segments: p.segments, code: p.code, severity: p.severity, message: p.message, link: p.link };
    if (p.offset !== undefined) f.offset = p.offset;
    const fix = certainFix(p, doc.kind);
    if (fix) f.fix = fix;
    return f;
  });
  // A layout's index.json lists tags: the same manifest under two tags is what it is for (duplicate-tag covers the rest).
  if (doc.kind === 'index' && !options.layoutIndex) findings.push(...duplicateFindings(doc.json));
  if (options.layout && doc.kind !== 'unknown') {
    const found = await checkAgainstLayout(doc.json, options.layout, {
      signal: options.signal,
      layoutIndex: options.layoutIndex,
      layoutName: options.layoutName,
      where: options.where,
      cache: options.cache,
      deep: options.deep,
      concurrency: options.concurrency,
    });
    for (const f of found) {
      // A layout finding on what the validator already reports only brings its fix.
      const same = findings.find((v) => v.path === f.path && v.code === f.code);
      if (same) same.fix ??= f.fix;
      else findings.push(f);
    }
  }
  if (findings.length === 0) return { doc, findings }; // the tree is only needed to locate findings
  const parsed = parseText(text);
  for (const f of findings) Object.assign(f, locate(parsed, f));
  return { doc, findings };
}
