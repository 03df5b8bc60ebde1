// What `verify --format json` and `verify-attestation --format json` say alike (stable fields: README).
import type { Descriptor } from '../oci/descriptor';
import { isImageIndex } from '../oci/mediaType';
import type { VerifyKey } from '../oci/signatures';

/** A key given, as both list it. */
export const keyJson = (k: VerifyKey) => ({ name: k.name, type: k.type, ...(k.unsupported ? { unsupported: k.unsupported } : {}) });

/** A manifest checked, as both list it, before its own results (`signatures`, `attestations`). */
export function checkedManifestJson(path: string, m: { subject: Descriptor; position: number[]; label: string; valid: boolean }) {
  return {
    label: m.label,
    reference: `${path}@${m.subject.digest}`,
    mediaType: m.subject.mediaType,
    digest: m.subject.digest,
    ...(m.subject.platform ? { platform: m.subject.platform } : {}),
    position: m.position,
    index: isImageIndex(m.subject.mediaType),
    valid: m.valid,
  };
}
