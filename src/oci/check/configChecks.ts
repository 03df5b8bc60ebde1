// What an image's config must say (image-spec config.md): the fields a runtime needs, and one diff_id per layer.
// The validator checks manifests and indexes; nothing else reads a config this closely.
import { isDigest } from '../digest';
import { formatPath, parseJson, type PathSegment } from '../validate';
import { isJsonObject } from '../jsonObject';

const CONFIG_LINK = 'https://github.com/opencontainers/image-spec/blob/v1.1.0/config.md#properties';

export interface ConfigProblem {
  path: string;
  code: 'invalid-json' | 'wrong-type' | 'missing-field' | 'invalid-digest' | 'diff-ids-count';
  message: string;
  link: string;
}

export interface CheckedConfig {
  problems: ConfigProblem[];
  /** rootfs.diff_ids when they are usable: one valid digest per layer. */
  diffIds?: string[];
}


/** Checks an image config's bytes, for a manifest of `layerCount` layers. */
export function checkImageConfig(raw: Buffer, layerCount: number, what: string): CheckedConfig {
  const problems: ConfigProblem[] = [];
  const report = (at: PathSegment[], code: ConfigProblem['code'], message: string) => problems.push({ path: formatPath(at), code, message, link: CONFIG_LINK });
  let doc: unknown;
  try {
    doc = parseJson(raw, what);
  } catch (err) {
    report([], 'invalid-json', (err as Error).message);
    return { problems };
  }
  if (!isJsonObject(doc)) {
    report([], 'wrong-type', `the config is ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}, not a JSON object`);
    return { problems };
  }
  for (const field of ['architecture', 'os'] as const) {
    const v = doc[field];
    if (v === undefined) report([field], 'missing-field', `${field} is required: a runtime cannot tell which machines can run this image`);
    else if (typeof v !== 'string' || v === '') report([field], 'wrong-type', `${field} must be a non-empty string, not ${JSON.stringify(v)}`);
  }
  const rootfs = doc.rootfs;
  if (rootfs === undefined) {
    report(['rootfs'], 'missing-field', 'rootfs is required: it lists each layer unpacked by its digest (diff_ids), which runtimes check the layers against');
    return { problems };
  }
  if (!isJsonObject(rootfs)) {
    report(['rootfs'], 'wrong-type', 'rootfs must be an object');
    return { problems };
  }
  // A missing type said as missing: JSON.stringify(undefined) would print "undefined" (found by damagedDockerArchiveRandom, seed 787).
  if (rootfs.type === undefined) report(['rootfs', 'type'], 'missing-field', 'rootfs.type is missing; it must be "layers"');
  else if (rootfs.type !== 'layers') report(['rootfs', 'type'], 'wrong-type', `rootfs.type must be "layers", not ${JSON.stringify(rootfs.type)}`);
  const ids = rootfs.diff_ids;
  if (!Array.isArray(ids)) {
    report(['rootfs', 'diff_ids'], ids === undefined ? 'missing-field' : 'wrong-type', 'rootfs.diff_ids must be an array of digests, one per layer');
    return { problems };
  }
  let usable = true;
  ids.forEach((id, i) => {
    if (typeof id !== 'string' || !isDigest(id)) {
      report(['rootfs', 'diff_ids', i], 'invalid-digest', `${JSON.stringify(id)} is not a digest`);
      usable = false;
    }
  });
  if (ids.length !== layerCount) {
    report(['rootfs', 'diff_ids'], 'diff-ids-count', `${ids.length} diff_id${ids.length === 1 ? '' : 's'} for ${layerCount} layer${layerCount === 1 ? '' : 's'}: there must be one per layer, in order`);
    usable = false;
  }
  return usable ? { problems, diffIds: ids as string[] } : { problems };
}
