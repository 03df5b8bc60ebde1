// What `inspect` prints: the core's text tree (signatures/inspectText.ts, shared with the extension), or stable JSON.
import { type ImageInspection } from '../oci/signatures';
import { checkedManifestJson } from './checkedJson';

/** The version of the JSON `inspect --format json` writes; it changes only when a field changes meaning or goes. */
export const INSPECT_JSON_VERSION = 1;

/** The JSON documented in the README ("Inspect signatures"): stable field names, `version` bumps on a change of meaning. */
export function inspectJson(path: string, report: ImageInspection): unknown {
  return {
    version: INSPECT_JSON_VERSION,
    reference: `${path}@${report.root.digest}`,
    verified: false,
    manifests: report.manifests.map((m) => {
      const { valid: _unused, ...manifest } = checkedManifestJson(path, { ...m, valid: false });
      return { ...manifest, signatures: m.signatures, attestations: m.attestations };
    }),
  };
}
