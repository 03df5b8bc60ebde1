// A layout whose platforms carry signatures and SBOMs some of which cosign.pub verifies: what `coverage --key` is
// tested on (test/unit/verifiedCoverage.test.ts, and on a registry in test/integration/coverage.test.ts).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestManifest } from '../../src/oci/attestations';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { signKey, signManifest } from '../../src/oci/signatures';
import { makeArtifact, makeImage, makeIndex, tempDir } from './builders';

const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pubPem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
export const short = (d: Descriptor) => `${d.digest.slice(0, 19)}...`;
const SBOM = '{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"app"}';

export interface Signed {
  /** Holds layout/ and the public keys cosign.pub and other.pub. */
  dir: string;
  store: OciLayoutStore;
  index: Descriptor;
  amd64: Descriptor;
  arm64: Descriptor;
}

/**
 * `layout:v1`, an index of linux/amd64 (signed with cosign.key, an SPDX attestation signed with it) and linux/arm64
 * (a signature by another key: forged as far as cosign.pub knows; a plain SPDX referrer, which no key signs).
 */
export async function makeSigned(): Promise<Signed> {
  const dir = tempDir('manifold-verifiedcov-');
  const store = await OciLayoutStore.open(join(dir, 'layout'), { create: true });
  const amd64 = await makeImage(store, { os: 'linux', arch: 'amd64' });
  const arm64 = await makeImage(store, { os: 'linux', arch: 'arm64' });
  const index = await makeIndex(store, [amd64, arm64]);
  await store.tag(index, 'v1');
  const ours = ec();
  const theirs = ec();
  writeFileSync(join(dir, 'cosign.pub'), pubPem(ours.publicKey));
  writeFileSync(join(dir, 'other.pub'), pubPem(theirs.publicKey));
  await signManifest(store, amd64, signKey('cosign.key', ours.privateKey), 'registry.example.com/app:v1');
  await attestManifest(store, amd64, signKey('cosign.key', ours.privateKey), 'spdxjson', Buffer.from(SBOM), 'registry.example.com/app');
  await signManifest(store, arm64, signKey('forged.key', theirs.privateKey), 'registry.example.com/app:v1');
  await makeArtifact(store, { subject: arm64, artifactType: 'application/spdx+json', content: SBOM });
  return { dir, store, index, amd64, arm64 };
}

