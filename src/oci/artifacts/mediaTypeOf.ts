// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import { MediaType } from '../mediaType';

export const SPDX_JSON = 'application/spdx+json';
export const SPDX_TAG_VALUE = 'text/spdx';
export const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json';
export const CYCLONEDX_XML = 'application/vnd.cyclonedx+xml';
export const JSON_TYPE = 'application/json';

/** How much of a file is read to tell what it holds: SBOM markers sit near the top. */
const SNIFF_BYTES = 64 * 1024;

/**
 * The media type a file is pushed or attached with when none is given: SPDX and CycloneDX SBOMs (JSON, SPDX
 * tag-value, CycloneDX XML) by their names or their markers, other JSON as `application/json`, anything else as
 * oras's default for files (`application/vnd.oci.image.layer.v1.tar`). `head` is the file's first bytes;
 * `complete` says whether it is the whole file (then JSON without a `.json` name is recognized by parsing).
 */
export function mediaTypeOfContent(name: string, head: Buffer, complete: boolean): string {
  const lower = basename(name).toLowerCase();
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (lower.endsWith('.spdx.json') || (start.startsWith('{') && /"spdxVersion"\s*:/.test(text))) return SPDX_JSON;
  if (lower.endsWith('.cdx.json') || (start.startsWith('{') && /"bomFormat"\s*:\s*"CycloneDX"/.test(text))) return CYCLONEDX_JSON;
  if (lower.endsWith('.spdx') || /^SPDXVersion:\s*SPDX-/m.test(start.slice(0, 4096))) return SPDX_TAG_VALUE;
  if (lower.endsWith('.cdx.xml') || (start.startsWith('<') && /<bom\b[^>]*xmlns="http:\/\/cyclonedx\.org\/schema\/bom/.test(text))) return CYCLONEDX_XML;
  if (lower.endsWith('.json') || (complete && isJson(text))) return JSON_TYPE;
  return MediaType.ImageLayer;
}

/** mediaTypeOfContent of a file on disk, reading only its first 64 KiB. */
export async function mediaTypeOf(path: string): Promise<string> {
  const fh = await fsp.open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES + 1);
    const { bytesRead } = await fh.read(buffer, 0, buffer.length, 0);
    return mediaTypeOfContent(path, buffer.subarray(0, Math.min(bytesRead, SNIFF_BYTES)), bytesRead <= SNIFF_BYTES);
  } finally {
    await fh.close();
  }
}

function isJson(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
