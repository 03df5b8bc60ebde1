/**
 * Parsing and validation of image indexes and image manifests (OCI image-spec v1.1 and Docker schema 2), every
 * finding reported with a JSON path, so the editor can underline the exact field and the CLI can name it.
 */
import { ANNOTATION_CREATED, ANNOTATION_REF_NAME } from '../descriptor';
import { digestOf, isSha256Digest, parseDigest, type ParsedDigest } from '../digest';
import { decodeGoBase64 } from '../encoding/base64';
import { shownValue } from './shownValue';
import {
  EMPTY_JSON_DIGEST,
  isImageIndex,
  isImageManifest,
  isManifestMediaType,
  isValidMediaType,
  MediaType,
} from '../mediaType';
import { duplicateKeys, jsonError } from './textFindings';
import { formatPath, Section, specLink, type PathSegment, type Problem, type ProblemCode, type Severity } from './problems';
import { isJsonObject } from '../jsonObject';

export type DocumentKind = 'index' | 'manifest' | 'unknown';

export interface ParsedDocument {
  raw: Buffer;
  /** The parsed value; undefined when the text is not JSON. */
  json: unknown;
  kind: DocumentKind;
  problems: Problem[];
}

export interface ParseOptions {
  /** Report a document of the other kind as an error (`index-where-manifest-required`, ...). */
  expect?: 'index' | 'manifest';
  /**
   * raw's text and what JSON.parse made of it, when the caller parsed it already (and changed nothing in it): not
   * decoded and parsed a second time. The checks are the same.
   */
  parsed?: ParsedText;
}

/** A document's text and the value JSON.parse gave for it. */
export interface ParsedText {
  text: string;
  json: unknown;
}

/** raw decoded and parsed, or undefined when it is not JSON (parseDocument then says where and why). */
export function parseText(raw: Buffer): ParsedText | undefined {
  const text = raw.toString('utf8');
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

// The document kinds this validator does not read, named so the message says why.
const RETIRED: Record<string, string> = {
  'application/vnd.docker.distribution.manifest.v1+json': 'a Docker schema 1 manifest, which is not supported',
  'application/vnd.docker.distribution.manifest.v1+prettyjws': 'a signed Docker schema 1 manifest, which is not supported',
  'application/vnd.oci.artifact.manifest.v1+json': 'an OCI artifact manifest, dropped before image-spec v1.1.0',
};

// `{}` in base64: the data of the empty descriptor.
const EMPTY_JSON_DATA = 'e30=';

// Layer media types: a config naming one of these has its descriptors mixed up.
const LAYER_PREFIXES = ['application/vnd.oci.image.layer.', 'application/vnd.docker.image.rootfs.'];

// image-layout.md: the grammar a ref.name follows.
const REF_NAME = /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;
// RFC 3339 date-time, as the created annotation requires.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

// Go's decoder fills a struct field from a key that matches it ignoring case; these are the fields it knows.
const ROOT_FIELDS = ['schemaVersion', 'mediaType', 'artifactType', 'manifests', 'config', 'layers', 'subject', 'annotations'];
const DESCRIPTOR_FIELDS = ['mediaType', 'digest', 'size', 'urls', 'annotations', 'data', 'platform', 'artifactType'];
const PLATFORM_FIELDS = ['architecture', 'os', 'os.version', 'os.features', 'variant', 'features'];
// Each field under its lower-case form and under itself, so a rightly spelled key is found without lower-casing it.
const lowerCaseIndex = (fields: string[]) => new Map(fields.flatMap((f) => [[f.toLowerCase(), f] as const, [f, f] as const]));
const ROOT_LOWER = lowerCaseIndex(ROOT_FIELDS);
const DESCRIPTOR_LOWER = lowerCaseIndex(DESCRIPTOR_FIELDS);
const PLATFORM_LOWER = lowerCaseIndex(PLATFORM_FIELDS);

// Media types repeat across the children of an index; the RFC 6838 check is a regex worth caching.
const mediaTypeCache = new Map<string, boolean>();
function validMediaType(value: string): boolean {
  let ok = mediaTypeCache.get(value);
  if (ok === undefined) {
    ok = isValidMediaType(value);
    if (mediaTypeCache.size > 512) mediaTypeCache.clear();
    mediaTypeCache.set(value, ok);
  }
  return ok;
}

class Checker {
  readonly problems: Problem[] = [];

  report(segments: PathSegment[], code: ProblemCode, message: string, severity: Severity = 'error', link = specLink(code), offset?: number): void {
    const problem: Problem = { path: formatPath(segments), message, code, severity, segments: [...segments], link };
    if (offset !== undefined) problem.offset = offset;
    this.problems.push(problem);
  }

  /**
   * An optional field: false when absent. Go reads `null` as absent, so it passes with a warning rather than
   * as a wrong type.
   */
  present(obj: Json, key: string, at: PathSegment[], link: string): boolean {
    const value = obj[key];
    if (value === undefined) return false;
    if (value === null) {
      this.report([...at, key], 'wrong-type', `${key} is null: leave the field out instead`, 'warning', link);
      return false;
    }
    return true;
  }

  string(obj: Json, key: string, at: PathSegment[], required: boolean, link: string, code: ProblemCode = 'wrong-type'): string | undefined {
    const value = obj[key];
    if (value === undefined) {
      if (required) this.report([...at, key], code === 'wrong-type' ? 'missing-field' : code, `${key} is required`, 'error', link);
      return undefined;
    }
    if (value === null && required) {
      this.report([...at, key], code, `${key} is null: it must be a string`, 'error', link);
      return undefined;
    }
    if (!this.present(obj, key, at, link)) return undefined;
    if (typeof value !== 'string') {
      this.report([...at, key], code, `${key} must be a string, not ${typeName(value)}`, 'error', link);
      return undefined;
    }
    return value;
  }

  mediaTypeField(obj: Json, key: 'mediaType' | 'artifactType', at: PathSegment[], required: boolean, link: string): string | undefined {
    const value = this.string(obj, key, at, required, link);
    if (value === undefined) return undefined;
    if (!validMediaType(value)) {
      this.report([...at, key], 'invalid-media-type', `${key} ${shownValue(value)} is not a valid media type (RFC 6838: type/subtype)`, 'error', link);
      return undefined;
    }
    return value;
  }

  stringArray(obj: Json, key: string, at: PathSegment[], code: ProblemCode, link: string): string[] | undefined {
    if (!this.present(obj, key, at, link)) return undefined;
    const value = obj[key];
    if (!Array.isArray(value)) {
      this.report([...at, key], code, `${key} must be an array of strings, not ${typeName(value)}`, 'error', link);
      return undefined;
    }
    let ok = true;
    value.forEach((item, i) => {
      if (typeof item !== 'string') {
        this.report([...at, key, i], code, `${key}[${i}] must be a string, not ${typeName(item)}`, 'error', link);
        ok = false;
      }
    });
    return ok ? (value as string[]) : undefined;
  }

  fieldCase(obj: Json, at: PathSegment[], known: Map<string, string>): void {
    for (const key of Object.keys(obj)) {
      if (known.get(key) === key) continue;
      const field = known.get(key.toLowerCase());
      if (field !== undefined && field !== key) {
        this.report(
          [...at, key],
          'field-case',
          `"${key}" is not "${field}", but Go reads it as ${field} (its decoder ignores case): spell it ${field}`,
          'warning',
        );
      }
    }
  }

  annotations(obj: Json, at: PathSegment[], inIndexList: boolean): Json | undefined {
    if (!this.present(obj, 'annotations', at, Section.annotations)) return undefined;
    const value = obj.annotations;
    if (!isJsonObject(value)) {
      this.report([...at, 'annotations'], 'wrong-type', `annotations must be an object of strings, not ${typeName(value)}`, 'error', Section.annotations);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      const v = value[key];
      if (typeof v !== 'string') {
        this.report([...at, 'annotations', key], 'annotation-not-string', `annotation ${shownValue(key)} must be a string, not ${typeName(v)}`);
        continue;
      }
      if (key === ANNOTATION_CREATED && !RFC3339.test(v)) {
        this.report([...at, 'annotations', key], 'invalid-annotation', `${key} ${shownValue(v)} is not an RFC 3339 date-time`, 'warning');
      } else if (key === ANNOTATION_REF_NAME && inIndexList && !REF_NAME.test(v)) {
        this.report([...at, 'annotations', key], 'invalid-annotation', `${key} ${shownValue(v)} does not follow the ref grammar of image-layout`, 'warning', Section.layoutIndex);
      }
    }
    return value;
  }

  platform(obj: Json, at: PathSegment[]): void {
    const link = Section.platform;
    if (!this.present(obj, 'platform', at, link)) return;
    const value = obj.platform;
    const path = [...at, 'platform'];
    if (!isJsonObject(value)) {
      this.report(path, 'invalid-platform', `platform must be an object, not ${typeName(value)}`, 'error', link);
      return;
    }
    this.fieldCase(value, path, PLATFORM_LOWER);
    for (const key of ['architecture', 'os'] as const) {
      const v = this.string(value, key, path, true, link, 'invalid-platform');
      if (v === '') this.report([...path, key], 'invalid-platform', `platform ${key} is empty`, 'warning', link);
    }
    this.string(value, 'os.version', path, false, link, 'invalid-platform');
    this.stringArray(value, 'os.features', path, 'invalid-platform', link);
    this.string(value, 'variant', path, false, link, 'invalid-platform');
    this.stringArray(value, 'features', path, 'invalid-platform', link);
  }

  /** Checks a descriptor; returns its mediaType when that is valid, for the caller's checks of its role. */
  descriptor(value: unknown, at: PathSegment[], inIndexList = false): { mediaType?: string } | undefined {
    if (isJsonObject(value) && plainDescriptor(value, inIndexList)) return { mediaType: value.mediaType as string };
    const link = Section.descriptor;
    if (!isJsonObject(value)) {
      this.report(at, 'wrong-type', `a descriptor must be an object, not ${typeName(value)}`, 'error', link);
      return undefined;
    }
    this.fieldCase(value, at, DESCRIPTOR_LOWER);
    const mediaType = this.mediaTypeField(value, 'mediaType', at, true, link);

    let digest: ParsedDigest | undefined;
    const digestText = this.string(value, 'digest', at, true, link);
    if (digestText !== undefined) {
      try {
        // The common case without parseDigest's split and second regex: indexes list thousands of these.
        digest = isSha256Digest(digestText) ? { algorithm: 'sha256', hex: digestText.slice(7) } : parseDigest(digestText);
      } catch (err) {
        // parseDigest writes the digest whole: a long one is cut here.
        const message = (err as Error).message;
        const shown = digestText.length > 100 ? message.replace(JSON.stringify(digestText), () => shownValue(digestText)).replace(digestText, () => shownValue(digestText)) : message;
        this.report([...at, 'digest'], 'invalid-digest', shown);
      }
    }

    let size: number | undefined;
    const rawSize = value.size;
    if (rawSize === undefined || rawSize === null) {
      this.report([...at, 'size'], 'missing-field', 'size is required', 'error', link);
    } else if (typeof rawSize !== 'number') {
      this.report([...at, 'size'], 'wrong-type', `size must be a number, not ${typeName(rawSize)}`, 'error', link);
    } else if (!Number.isSafeInteger(rawSize) || rawSize < 0) {
      this.report([...at, 'size'], 'invalid-size', `size ${rawSize} is not a non-negative integer (at most 2^53-1)`);
    } else {
      size = rawSize;
    }

    const urls = this.stringArray(value, 'urls', at, 'wrong-type', link);
    urls?.forEach((u, i) => {
      if (!URL.canParse(u)) this.report([...at, 'urls', i], 'invalid-url', `${shownValue(u)} is not an absolute URL (RFC 3986)`);
      else if (!/^https?:/i.test(u)) this.report([...at, 'urls', i], 'invalid-url', `${shownValue(u)} SHOULD use http or https`, 'warning');
    });

    this.annotations(value, at, inIndexList);

    const data = this.string(value, 'data', at, false, link);
    if (data !== undefined) {
      const bytes = decodeGoBase64(data);
      if (bytes === undefined) {
        this.report([...at, 'data'], 'invalid-data', 'data is not standard base64 (RFC 4648 section 4, padded)');
      } else if (size !== undefined && bytes.length !== size) {
        this.report([...at, 'data'], 'data-mismatch', `data holds ${bytes.length} bytes, size says ${size}`);
      } else if (digest !== undefined && !(data === EMPTY_JSON_DATA && digestText === EMPTY_JSON_DIGEST) && digestOf(bytes, digest.algorithm) !== digestText) {
        // (The empty descriptor, in every artifact twice, is known to match without hashing `{}` again.)
        this.report([...at, 'data'], 'data-mismatch', `data has digest ${digestOf(bytes, digest.algorithm)}, not ${digestText}`);
      }
    }

    this.platform(value, at);
    this.mediaTypeField(value, 'artifactType', at, false, link);

    if (mediaType === MediaType.Empty && ((digestText !== undefined && digestText !== EMPTY_JSON_DIGEST) || (size !== undefined && size !== 2))) {
      this.report(at, 'empty-descriptor', `an ${MediaType.Empty} descriptor should be {} (${EMPTY_JSON_DIGEST}, size 2)`, 'warning');
    }
    return { mediaType };
  }

  /** A required list of descriptors (`manifests`, `layers`); undefined when unusable. */
  descriptorList(obj: Json, key: 'manifests' | 'layers', link: string): unknown[] | undefined {
    const value = obj[key];
    if (value === undefined) {
      this.report([key], 'missing-field', `${key} is required (an empty list is [])`, 'error', link);
      return undefined;
    }
    if (value === null) {
      // umoci writes `"manifests": null` for an empty index; Go reads it, most other tools refuse it.
      this.report([key], 'wrong-type', `${key} is null: it must be an array, [] when empty`, 'error', link);
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.report([key], 'wrong-type', `${key} must be an array of descriptors, not ${typeName(value)}`, 'error', link);
      return undefined;
    }
    return value;
  }
}

// The fields of a descriptor and of a platform as they are spelled, for plainDescriptor.
const DESCRIPTOR_KEYS = new Set(DESCRIPTOR_FIELDS);
const PLATFORM_KEYS = new Set(PLATFORM_FIELDS);

const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((item) => typeof item === 'string');

/**
 * Whether Checker.descriptor would find nothing at all (no error, no warning) in `d`, by a quick pass over the
 * usual shape: known fields spelled as they are, a valid mediaType (and artifactType), a sha256 digest, a size,
 * string annotations, the empty descriptor's own data, a plain platform. Anything else (urls, other data, nulls,
 * other algorithms, a misspelled field) answers false and gets the full check, which names the problem. A fast
 * path only: a thousand artifacts or index children are validated per command, most of it in code not yet
 * optimized, where each of the full check's calls counts.
 */
function plainDescriptor(d: Json, inIndexList: boolean): boolean {
  for (const key in d) if (!DESCRIPTOR_KEYS.has(key)) return false;
  const { mediaType, digest, size, annotations, data, platform, artifactType } = d;
  if (typeof mediaType !== 'string' || !validMediaType(mediaType)) return false;
  if (typeof digest !== 'string' || !isSha256Digest(digest)) return false;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return false;
  if (d.urls !== undefined) return false;
  if (mediaType === MediaType.Empty && (digest !== EMPTY_JSON_DIGEST || size !== 2)) return false;
  if (data !== undefined && !(data === EMPTY_JSON_DATA && digest === EMPTY_JSON_DIGEST && size === 2)) return false;
  if (artifactType !== undefined && (typeof artifactType !== 'string' || !validMediaType(artifactType))) return false;
  if (annotations !== undefined) {
    if (!isJsonObject(annotations)) return false;
    for (const key in annotations) {
      const v = annotations[key];
      if (typeof v !== 'string') return false;
      if (key === ANNOTATION_CREATED && !RFC3339.test(v)) return false;
      if (key === ANNOTATION_REF_NAME && inIndexList && !REF_NAME.test(v)) return false;
    }
  }
  if (platform === undefined) return true;
  if (!isJsonObject(platform)) return false;
  for (const key in platform) if (!PLATFORM_KEYS.has(key)) return false;
  const { architecture, os, variant } = platform;
  if (typeof architecture !== 'string' || architecture === '' || typeof os !== 'string' || os === '') return false;
  const osVersion = platform['os.version'];
  if ((osVersion !== undefined && typeof osVersion !== 'string') || (variant !== undefined && typeof variant !== 'string')) return false;
  const osFeatures = platform['os.features'];
  const features = platform.features;
  return (osFeatures === undefined || isStringList(osFeatures)) && (features === undefined || isStringList(features));
}

/** Where the document's shape and its mediaType point. */
function classify(doc: Json, c: Checker): { kind: DocumentKind; mismatch: boolean; link: string } {
  const mt = doc.mediaType;
  const hasIndexShape = doc.manifests !== undefined;
  // An image config has a `config` too (Env, Cmd, ...): only a descriptor-like one, `layers` or a
  // schemaVersion make a manifest.
  const config = doc.config;
  const descriptorLike = isJsonObject(config) && (config.digest !== undefined || config.mediaType !== undefined || config.size !== undefined);
  const hasManifestShape = doc.layers !== undefined || (config !== undefined && (descriptorLike || doc.schemaVersion !== undefined));
  const shape: DocumentKind | 'both' =
    hasIndexShape && hasManifestShape ? 'both' : hasIndexShape ? 'index' : hasManifestShape ? 'manifest' : 'unknown';
  const linkOf = (k: DocumentKind) => (k === 'index' ? Section.index : Section.manifest);

  if (typeof mt === 'string' && (isImageIndex(mt) || isImageManifest(mt))) {
    const declared: DocumentKind = isImageIndex(mt) ? 'index' : 'manifest';
    const other = declared === 'index' ? 'manifest' : 'index';
    if (shape === other) {
      const has = other === 'index' ? 'manifests' : 'config/layers';
      c.report(['mediaType'], 'media-type-mismatch', `mediaType ${mt} names an image ${declared === 'index' ? 'index' : 'manifest'}, but the document has ${has} as an image ${other} does`, 'error', linkOf(declared));
      return { kind: declared, mismatch: true, link: linkOf(declared) };
    }
    return { kind: declared, mismatch: false, link: linkOf(declared) };
  }

  if (shape === 'both' || shape === 'unknown') {
    let message: string;
    if (typeof mt === 'string' && RETIRED[mt]) message = `document is ${RETIRED[mt]}`;
    else if (shape === 'unknown' && (doc.rootfs !== undefined || (doc.architecture !== undefined && doc.os !== undefined)))
      message = 'document looks like an image configuration (architecture, os, rootfs), not an image index or manifest';
    else if (shape === 'both') message = 'document has both manifests (as an index) and config/layers (as a manifest), and no mediaType to tell which it is';
    else if (typeof mt === 'string') message = `document has mediaType ${shownValue(mt)} and neither manifests nor config/layers: it is not an image index or manifest`;
    else message = 'document has neither manifests (as an image index) nor config/layers (as an image manifest)';
    c.report([], 'not-a-manifest', message);
    return { kind: 'unknown', mismatch: false, link: Section.manifestTop };
  }

  // The shape decides; now judge the mediaType against it.
  const link = linkOf(shape);
  const expected = shape === 'index' ? MediaType.ImageIndex : MediaType.ImageManifest;
  if (mt === undefined) {
    c.report(['mediaType'], 'missing-media-type', `mediaType is missing: it SHOULD be ${expected}`, 'warning', link);
  } else if (mt === null) {
    c.report(['mediaType'], 'wrong-type', `mediaType is null: it SHOULD be ${expected}`, 'warning', link);
  } else if (typeof mt !== 'string') {
    c.report(['mediaType'], 'wrong-type', `mediaType must be a string, not ${typeName(mt)}`, 'error', link);
  } else if (!validMediaType(mt)) {
    c.report(['mediaType'], 'invalid-media-type', `mediaType ${shownValue(mt)} is not a valid media type (RFC 6838: type/subtype)`, 'error', link);
  } else if (RETIRED[mt]) {
    c.report(['mediaType'], 'unknown-media-type', `mediaType ${mt}: this is ${RETIRED[mt]}`, 'error', link);
  } else {
    const other = shape === 'index' ? 'manifest' : 'index';
    const message = isManifestMediaType(mt)
      ? `mediaType ${mt} names an image ${other}, but the document has ${shape === 'index' ? 'manifests' : 'config/layers'} as an image ${shape} does`
      : `mediaType ${shownValue(mt)} is not an image ${shape} media type: expected ${expected}`;
    c.report(['mediaType'], isManifestMediaType(mt) ? 'media-type-mismatch' : 'unknown-media-type', message, 'error', link);
  }
  return { kind: shape, mismatch: false, link };
}

function checkIndex(doc: Json, c: Checker, mismatch: boolean): void {
  const link = Section.index;
  const manifests = mismatch && doc.manifests === undefined ? undefined : c.descriptorList(doc, 'manifests', link);
  if (manifests === undefined) return;
  const tags = new Map<string, number>();
  for (let i = 0; i < manifests.length; i++) {
    const at: PathSegment[] = ['manifests', i];
    const child = c.descriptor(manifests[i], at, true);
    if (!child) continue;
    if (child.mediaType !== undefined && !isManifestMediaType(child.mediaType)) {
      c.report([...at, 'mediaType'], 'unexpected-media-type', `${child.mediaType} is not an image manifest or index media type`, 'warning', link);
    }
    const tag = (manifests[i] as Json).annotations;
    const name = isJsonObject(tag) ? tag[ANNOTATION_REF_NAME] : undefined;
    if (typeof name !== 'string') continue;
    const first = tags.get(name);
    if (first === undefined) {
      tags.set(name, i);
    } else {
      const same = (manifests[first] as Json).digest === (manifests[i] as Json).digest ? 'the same manifest' : 'another manifest';
      c.report([...at, 'annotations', ANNOTATION_REF_NAME], 'duplicate-tag', `tag ${shownValue(name)} is already on manifests[${first}] (${same})`);
    }
  }
}

function checkManifest(doc: Json, c: Checker, mismatch: boolean): void {
  const link = Section.manifest;
  const isDocker = doc.mediaType === MediaType.DockerManifest;
  if (!(mismatch && doc.config === undefined)) {
    if (doc.config === undefined) {
      c.report(['config'], 'missing-field', 'config is required', 'error', link);
    } else if (doc.config === null) {
      c.report(['config'], 'wrong-type', 'config is null: it must be a descriptor', 'error', link);
    } else {
      const config = c.descriptor(doc.config, ['config']);
      const mt = config?.mediaType;
      if (mt !== undefined && isManifestMediaType(mt)) {
        c.report(['config', 'mediaType'], 'config-not-config', `config mediaType ${mt} names a manifest, not a config`, 'warning');
      } else if (mt !== undefined && LAYER_PREFIXES.some((p) => mt.startsWith(p))) {
        c.report(['config', 'mediaType'], 'config-not-config', `config mediaType ${mt} names a layer, not a config`, 'warning');
      }
      if (mt === MediaType.Empty && !isDocker && (doc.artifactType === undefined || doc.artifactType === null)) {
        c.report(['artifactType'], 'missing-artifact-type', `artifactType is required when config.mediaType is ${MediaType.Empty}`, 'error', link);
      }
    }
  }
  if (mismatch && doc.layers === undefined) return;
  const layers = c.descriptorList(doc, 'layers', link);
  if (layers === undefined) return;
  if (layers.length === 0) {
    c.report(['layers'], 'empty-layers', 'layers is empty: for portability it SHOULD have at least one entry (the empty descriptor will do)', 'warning', Section.emptyDescriptor);
  }
  for (let i = 0; i < layers.length; i++) {
    const layer = c.descriptor(layers[i], ['layers', i]);
    if (layer?.mediaType !== undefined && isManifestMediaType(layer.mediaType)) {
      c.report(['layers', i, 'mediaType'], 'unexpected-media-type', `a layer with mediaType ${layer.mediaType}: manifests are referenced from an index, not as layers`, 'warning', link);
    }
  }
}

/**
 * `"schemaVersion": 2.0` (or 2e0) parses to 2, but Go's encoding/json refuses it for an int field, so registries
 * and containerd refuse the manifest. Only the document's own key is looked at (the first, at the top level of a
 * document that has one schemaVersion: duplicates are reported apart).
 */
function schemaVersionSpelling(text: string, c: Checker): void {
  const m = /"schemaVersion"\s*:\s*(-?[0-9][0-9.eE+-]*)/.exec(text);
  if (m && m[1] !== '2') c.report(['schemaVersion'], 'schema-version', `schemaVersion must be written 2, not ${m[1]}: Go clients (registries, containerd) cannot read ${m[1]} as an integer`, 'error');
}

function checkDocument(doc: Json, c: Checker): DocumentKind {
  const { kind, mismatch, link } = classify(doc, c);
  if (kind === 'unknown') return kind;
  c.fieldCase(doc, [], ROOT_LOWER);

  const sv = doc.schemaVersion;
  if (sv === undefined) c.report(['schemaVersion'], 'missing-field', 'schemaVersion is required (2)', 'error', link);
  else if (sv !== 2) c.report(['schemaVersion'], 'schema-version', `schemaVersion must be the number 2, not ${shownValue(sv)}`, 'error', link);

  c.mediaTypeField(doc, 'artifactType', [], false, link);
  if (kind === 'index') checkIndex(doc, c, mismatch);
  else checkManifest(doc, c, mismatch);

  if (c.present(doc, 'subject', [], link)) {
    const subject = c.descriptor(doc.subject, ['subject']);
    if (subject?.mediaType !== undefined && !isManifestMediaType(subject.mediaType)) {
      c.report(['subject', 'mediaType'], 'unexpected-media-type', `subject ${subject.mediaType} is not an image manifest or index`, 'warning', link);
    }
  }
  c.annotations(doc, [], false);
  return kind;
}

/** The problems of one descriptor alone, at `at` (a layout's index.json reader asks why it cannot use an entry). */
export function descriptorProblems(value: unknown, at: PathSegment[] = [], inIndexList = false): Problem[] {
  const c = new Checker();
  c.descriptor(value, at, inIndexList);
  return c.problems;
}

/** Whether JSON.stringify writes `json` back as `text`; not when nested too deep for it to write (it recurses). */
function writtenBackExactly(json: unknown, text: string): boolean {
  try {
    return JSON.stringify(json) === text;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/** Parses an index or manifest and reports every problem found, errors and warnings, each with its JSON path. */
export function parseDocument(raw: Buffer | string, options: ParseOptions = {}): ParsedDocument {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const text = options.parsed?.text ?? (typeof raw === 'string' ? raw : raw.toString('utf8'));
  const c = new Checker();
  let json: unknown;
  if (options.parsed) json = options.parsed.json;
  else {
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { raw: bytes, json: undefined, kind: 'unknown', problems: [jsonError(text, err)] };
    }
  }
  if (!isJsonObject(json)) {
    c.report([], 'wrong-type', `the document is ${typeName(json)}, not a JSON object: it is not an image index or manifest`);
    return { raw: bytes, json, kind: 'unknown', problems: c.problems };
  }
  // Text that JSON.stringify writes back exactly has no key twice (JSON.parse keeps one of them, so what it
  // writes back would be shorter): the scan is skipped for the compact documents encoders write (Go, oras,
  // registries; attach --recursive validates a thousand of its own), and runs for indented or escaped ones.
  if (text.includes('"', 1) && !writtenBackExactly(json, text)) {
    duplicateKeys(text, c);
    if (json.schemaVersion === 2) schemaVersionSpelling(text, c);
  }
  const kind = checkDocument(json, c);
  if (options.expect === 'manifest' && kind === 'index') {
    c.report([], 'index-where-manifest-required', 'this is an image index where an image manifest is required');
  } else if (options.expect === 'index' && kind === 'manifest') {
    c.report([], 'manifest-where-index-required', 'this is an image manifest where an image index is required');
  }
  return { raw: bytes, json, kind, problems: c.problems };
}
