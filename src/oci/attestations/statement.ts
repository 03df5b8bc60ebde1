import { jsonObject } from '../signatures/cosignFormat';
import { OciError } from '../errors';
import { isJsonObject } from '../jsonObject';
import { shownValue } from '../validate/shownValue';
import { whereJsonStops } from '../validate/textFindings';

/**
 * in-toto Statements (in-toto/attestation spec, v0.1 and v1): what an attestation says, of which artifacts
 * (`subject[].digest`), of what kind (`predicateType`).
 */

/** The `_type` cosign writes (cosign 1 to 3 all write v0.1); v1 is read too. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v0.1';
const STATEMENT_TYPE_PREFIX = 'https://in-toto.io/Statement/';

/** cosign's `--type` short names and the predicate types they stand for (cosign's options/predicate.go PredicateTypeMap). */
export const PREDICATE_TYPES: Readonly<Record<string, string>> = {
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
};

/**
 * The predicate type `--type` names: a short name of cosign's, or a URI as is (cosign takes any URI: a scheme and
 * a path). Throws INVALID_ARGUMENT for anything else.
 */
export function predicateTypeOf(type: string): string {
  // Own names only: "constructor" or "toString" would find Object's.
  if (Object.hasOwn(PREDICATE_TYPES, type)) return PREDICATE_TYPES[type]!;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(type)) return type;
  throw new OciError('INVALID_ARGUMENT', `--type ${type}: not a predicate type (${Object.keys(PREDICATE_TYPES).join('|')}, or a URI)`);
}

/** What a statement says, once its structure is checked. */
export interface Statement {
  type: string;
  predicateType: string;
  subjects: Array<{ name?: string; digest: Record<string, string>; annotations?: Record<string, unknown> }>;
}

/** The statement in `bytes`, or why it is none (naming the JSON path). The predicate is not looked into. */
export function parseStatement(bytes: Buffer): Statement | { malformed: string } {
  const read = jsonObject(bytes);
  if ('malformed' in read) return read;
  const doc = read.doc;
  if (typeof doc._type !== 'string') return { malformed: '$._type: expected a string' };
  if (!doc._type.startsWith(STATEMENT_TYPE_PREFIX)) return { malformed: `$._type: ${shownValue(doc._type)}, not an in-toto Statement` };
  if (typeof doc.predicateType !== 'string') return { malformed: '$.predicateType: expected a string' };
  if (!Array.isArray(doc.subject) || doc.subject.length === 0) return { malformed: '$.subject: expected a non-empty array' };
  const subjects: Statement['subjects'] = [];
  for (const [i, s] of doc.subject.entries()) {
    if (!isJsonObject(s) || !isJsonObject(s.digest)) return { malformed: `$.subject[${i}].digest: expected an object` };
    const digest: Record<string, string> = {};
    for (const [algorithm, hex] of Object.entries(s.digest)) {
      if (typeof hex !== 'string') return { malformed: `$.subject[${i}].digest.${algorithm}: expected a string` };
      digest[algorithm] = hex;
    }
    if (s.annotations !== undefined && s.annotations !== null && !isJsonObject(s.annotations)) return { malformed: `$.subject[${i}].annotations: expected an object` };
    const annotations = isJsonObject(s.annotations) && Object.keys(s.annotations).length > 0 ? { annotations: s.annotations } : {};
    subjects.push({ ...(typeof s.name === 'string' ? { name: s.name } : {}), digest, ...annotations });
  }
  return { type: doc._type, predicateType: doc.predicateType, subjects };
}

/** Whether a subject of `statement` is the manifest `digest` (`sha256:<hex>`: its `digest.sha256` is `<hex>`). */
export function statementNames(statement: Statement, digest: string): boolean {
  const [algorithm, hex] = digest.split(':');
  return statement.subjects.some((s) => s.digest[algorithm!]?.toLowerCase() === hex);
}

/**
 * How deep a predicate may nest. Go's decoder (cosign's) reads 10,000 levels; JSON.stringify, which writes the
 * statement, recurses and runs out of stack near 4,000 (less deep in a call stack of its own): no SBOM or provenance
 * nests past a few dozen.
 */
export const MAX_PREDICATE_DEPTH = 1000;

/**
 * The predicate `cosign attest --type <type> --predicate FILE` signs, read from the file's bytes: `custom` wraps its
 * text as `{ Data, Timestamp }` (cosign's generic predicate), `spdx` takes it as a string, every other type (and a
 * URI) the JSON object it holds. Errors (INVALID_ARGUMENT) lead with `source`, the file as the user gave it
 * (`--predicate sbom.json`), and name the JSON path: a number past a double's range (cosign's decoder refuses it;
 * JavaScript would sign null) or nesting past MAX_PREDICATE_DEPTH.
 */
export function predicateOf(type: string, predicateFile: Buffer, source = '--predicate', now: Date = new Date()): unknown {
  if (type === 'custom') return { Data: predicateFile.toString('utf8'), Timestamp: now.toISOString().replace(/\.\d+Z$/, 'Z') };
  if (type === 'spdx') return predicateFile.toString('utf8');
  const text = predicateFile.toString('utf8');
  let predicate: unknown;
  try {
    predicate = JSON.parse(text);
  } catch (err) {
    // Where it stops being JSON, by line and column: V8's own message quotes the text around it, a BOM unseen.
    throw new OciError('INVALID_ARGUMENT', `${source}: not JSON, as --type ${type} needs (${whereJsonStops(text, err)})`);
  }
  if (!isJsonObject(predicate)) throw new OciError('INVALID_ARGUMENT', `${source}: expected a JSON object, as --type ${type} needs`);
  // Walked without recursion: the file may nest deeper than any stack.
  const stack: Array<[unknown, string, number]> = [[predicate, '$', 0]];
  while (stack.length > 0) {
    const [v, at, depth] = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) throw new OciError('INVALID_ARGUMENT', `${source}: ${at}: a number past a double's range`);
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_PREDICATE_DEPTH) throw new OciError('INVALID_ARGUMENT', `${source}: ${at}: nested deeper than ${MAX_PREDICATE_DEPTH} levels`);
    for (const [k, x] of Object.entries(v)) stack.push([x, Array.isArray(v) ? `${at}[${k}]` : `${at}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`, depth + 1]);
  }
  return predicate;
}

/**
 * The statement `cosign attest --type <type> --predicate FILE` makes for the manifest `digest` of `repository`: the
 * predicate as predicateOf reads it (`source` names the file in its errors). cosign also re-encodes SLSA and vuln
 * predicates through its own types (dropping fields it does not know); here the object is kept as written.
 */
export function makeStatement(type: string, predicateFile: Buffer, digest: string, repository: string, now: Date = new Date(), source = '--predicate'): Buffer {
  const predicateType = predicateTypeOf(type);
  const predicate = predicateOf(type, predicateFile, source, now);
  const [algorithm, hex] = digest.split(':');
  return Buffer.from(JSON.stringify({ _type: STATEMENT_TYPE, predicateType, subject: [{ name: repository, digest: { [algorithm!]: hex } }], predicate }));
}
