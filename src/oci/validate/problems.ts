/** What the validator reports: one problem per finding, with a stable code and a JSON path into the document. */

export type ProblemCode =
  | 'invalid-json' // not JSON at all (message gives line, column; `offset` the character offset)
  | 'duplicate-key' // the same key twice in one object: parsers disagree on which wins
  | 'field-case' // a key Go would read as a known field despite its case (Go matches case-insensitively)
  | 'wrong-type' // a field of the wrong JSON type (or null)
  | 'missing-field' // a required field is absent
  | 'schema-version' // schemaVersion is not the number 2
  | 'missing-media-type' // a document without mediaType (allowed, but SHOULD be set)
  | 'invalid-media-type' // not an RFC 6838 media type (mediaType, artifactType)
  | 'unknown-media-type' // a document mediaType that is neither an index nor a manifest type
  | 'media-type-mismatch' // the document mediaType contradicts its shape
  | 'unexpected-media-type' // a descriptor pointing at something unusual for its place (warning)
  | 'not-a-manifest' // the document is neither an image index nor an image manifest
  | 'index-where-manifest-required'
  | 'manifest-where-index-required'
  | 'invalid-digest'
  | 'invalid-size'
  | 'invalid-url'
  | 'invalid-data' // descriptor data that is not standard base64
  | 'data-mismatch' // descriptor data whose length or digest differ from size / digest
  | 'invalid-platform'
  | 'annotation-not-string'
  | 'invalid-annotation' // a pre-defined annotation whose value breaks its format (warning)
  | 'duplicate-tag' // two `manifests` with the same org.opencontainers.image.ref.name
  | 'config-not-config' // a config descriptor that names a manifest, index or layer type
  | 'missing-artifact-type' // an empty config without artifactType
  | 'empty-layers' // a manifest without layers (warning: portability)
  | 'empty-descriptor'; // an application/vnd.oci.empty.v1+json descriptor that is not `{}`

export type Severity = 'error' | 'warning';

/** A path segment as jsonc-parser's JSONPath has it: a property name or an array index. */
export type PathSegment = string | number;

export interface Problem {
  /** `manifests[2].digest`, `annotations["org.x"]`, `` for the document itself. */
  path: string;
  message: string;
  code: ProblemCode;
  severity: Severity;
  /** The same path as segments, for locating the node (jsonc-parser's findNodeAtLocation). */
  segments: PathSegment[];
  /** The image-spec section that states the rule broken. */
  link: string;
  /**
   * For `invalid-json`: the character offset in the text where parsing failed. For `duplicate-key`: where the key
   * written again starts (its path alone cannot tell which copy, when what holds it is written twice too).
   */
  offset?: number;
}

const SPEC = 'https://github.com/opencontainers/image-spec/blob/v1.1.0/';

/** Spec sections, for links more precise than the code's default (a missing field of a descriptor vs. of a manifest). */
export const Section = {
  json: `${SPEC}considerations.md#json`,
  descriptor: `${SPEC}descriptor.md#properties`,
  digests: `${SPEC}descriptor.md#digests`,
  embedded: `${SPEC}descriptor.md#embedded-content`,
  manifest: `${SPEC}manifest.md#image-manifest-property-descriptions`,
  manifestTop: `${SPEC}manifest.md#image-manifest`,
  emptyDescriptor: `${SPEC}manifest.md#guidance-for-an-empty-descriptor`,
  artifacts: `${SPEC}manifest.md#guidelines-for-artifact-usage`,
  index: `${SPEC}image-index.md#image-index-property-descriptions`,
  indexTop: `${SPEC}image-index.md#oci-image-index-specification`,
  platform: `${SPEC}image-index.md#image-index-property-descriptions`,
  annotations: `${SPEC}annotations.md#rules`,
  predefinedAnnotations: `${SPEC}annotations.md#pre-defined-annotation-keys`,
  layoutIndex: `${SPEC}image-layout.md#indexjson-file`,
  mediaTypes: `${SPEC}media-types.md#oci-image-media-types`,
  compatibility: `${SPEC}media-types.md#compatibility-matrix`,
} as const;

const LINKS: Record<ProblemCode, string> = {
  'invalid-json': Section.json,
  'duplicate-key': Section.json,
  'field-case': Section.json,
  'wrong-type': Section.descriptor,
  'missing-field': Section.descriptor,
  'schema-version': Section.manifest,
  'missing-media-type': Section.manifest,
  'invalid-media-type': Section.descriptor,
  'unknown-media-type': Section.mediaTypes,
  'media-type-mismatch': Section.compatibility,
  'unexpected-media-type': Section.index,
  'not-a-manifest': Section.manifestTop,
  'index-where-manifest-required': Section.manifestTop,
  'manifest-where-index-required': Section.indexTop,
  'invalid-digest': Section.digests,
  'invalid-size': Section.descriptor,
  'invalid-url': Section.descriptor,
  'invalid-data': Section.descriptor,
  'data-mismatch': Section.embedded,
  'invalid-platform': Section.platform,
  'annotation-not-string': Section.annotations,
  'invalid-annotation': Section.predefinedAnnotations,
  'duplicate-tag': Section.layoutIndex,
  'config-not-config': Section.manifest,
  'missing-artifact-type': Section.manifest,
  'empty-layers': Section.manifest,
  'empty-descriptor': Section.emptyDescriptor,
};

/** The image-spec v1.1.0 section behind a kind of problem (a problem's own `link` may point closer). */
export function specLink(code: ProblemCode): string {
  return LINKS[code];
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * `manifests[2].platform["os.version"]`: struct fields dotted when they are identifiers, map keys
 * (annotations) always bracketed, so a key never reads as a field.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s) && segments[i - 1] !== 'annotations') out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * formatPath read back: `rootfs.diff_ids[0]` to `['rootfs', 'diff_ids', 0]`, for callers that hold a problem's
 * path as text (a check's report) and need its place in a document.
 */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw new Error(`not a JSON path: ${path}`);
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  }
  return out;
}
