import type { Descriptor } from '../../src/oci/descriptor';
import type { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import type { Target } from '../../src/oci/target';
import { makeArtifact, makeImage, makeIndex, newLayout, pushBlob, pushManifest } from './builders';

export const SPDX = 'https://spdx.dev/Document';
export const SLSA = 'https://slsa.dev/provenance/v0.2';

/** A buildx attestation manifest: an image config for unknown/unknown, one in-toto layer per predicate type. */
export async function makeBuildxAttestation(target: Target, of: Descriptor, predicateTypes: string[]): Promise<Descriptor> {
  const layers: Descriptor[] = [];
  for (const p of predicateTypes) {
    const layer = await pushBlob(target, JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: p, subject: [{ digest: { sha256: of.digest.slice(7) } }] }), 'application/vnd.in-toto+json');
    layers.push({ ...layer, annotations: { 'in-toto.io/predicate-type': p } });
  }
  const config = await pushBlob(target, JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }), MediaType.ImageConfig);
  const desc = await pushManifest(target, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers });
  return {
    ...desc,
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': of.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
  };
}

/** A cosign-style manifest (image config, one layer) to be tagged `sha256-<hex>.sig|.att|.sbom`. */
export async function makeCosignManifest(target: Target, layerMediaType: string, content: string, annotations: Record<string, string> = {}): Promise<Descriptor> {
  const config = await pushBlob(target, JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } }), MediaType.ImageConfig);
  const layer = await pushBlob(target, content, layerMediaType);
  return pushManifest(target, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [{ ...layer, annotations }] });
}

export const cosignTagOf = (d: Descriptor, suffix: 'sig' | 'att' | 'sbom') => `sha256-${d.digest.slice(7)}.${suffix}`;

export interface ReleaseLayout {
  store: OciLayoutStore;
  index: Descriptor;
  amd64: Descriptor;
  arm64: Descriptor;
  /** The cosign tags written, as they name what is attached. */
  cosignTags: string[];
  artifacts: Record<string, Descriptor>;
}

/**
 * A release `v1`: an index of linux/amd64 and linux/arm64/v8 built by buildx (an attestation entry for each:
 * amd64's with an SPDX SBOM and SLSA provenance, arm64's with provenance only), a Notary signature and an
 * end-of-life artifact on the index (2099-01-01), a cosign `.sig` tag and an end-of-life annotation on amd64 (2020-01-31:
 * passed), a CycloneDX SBOM, a cosign `.att` tag (an SPDX attestation) and an artifact of no known kind on arm64.
 */
export async function makeReleaseLayout(): Promise<ReleaseLayout> {
  const store = await newLayout();
  const amd64 = await makeImage(store, { arch: 'amd64' });
  const arm64 = await makeImage(store, { arch: 'arm64', variant: 'v8' });
  const attAmd64 = await makeBuildxAttestation(store, amd64, [SPDX, SLSA]);
  const attArm64 = await makeBuildxAttestation(store, arm64, [SLSA]);
  const index = await makeIndex(store, [amd64, arm64, attAmd64, attArm64]);
  await store.tag(index, 'v1');
  const artifacts: Record<string, Descriptor> = {
    attAmd64,
    attArm64,
    notary: await makeArtifact(store, { subject: index, artifactType: 'application/vnd.cncf.notary.signature', content: 'notary signature' }),
    lifecycle: await makeArtifact(store, {
      subject: index,
      artifactType: 'application/vnd.microsoft.artifact.lifecycle',
      annotations: { 'vnd.microsoft.artifact.lifecycle.end-of-life.date': '2099-01-01T00:00:00Z' },
    }),
    notice: await makeArtifact(store, { subject: amd64, artifactType: 'application/vnd.example.notice', annotations: { 'org.example.end-of-life.date': '2020-01-31' } }),
    cyclonedx: await makeArtifact(store, { subject: arm64, artifactType: 'application/vnd.cyclonedx+json', content: '{"bomFormat":"CycloneDX"}' }),
    readme: await makeArtifact(store, { subject: arm64, artifactType: 'application/vnd.example.readme', content: 'read me' }),
    cosignSig: await makeCosignManifest(store, 'application/vnd.dev.cosign.simplesigning.v1+json', '{"critical":{}}', { 'dev.cosignproject.cosign/signature': 'MEUC' }),
    cosignAtt: await makeCosignManifest(store, 'application/vnd.dsse.envelope.v1+json', '{"payloadType":"application/vnd.in-toto+json"}', { predicateType: SPDX }),
  };
  const cosignTags = [cosignTagOf(amd64, 'sig'), cosignTagOf(arm64, 'att')];
  await store.tag(artifacts.cosignSig!, cosignTags[0]!);
  await store.tag(artifacts.cosignAtt!, cosignTags[1]!);
  return { store, index, amd64, arm64, cosignTags, artifacts };
}

export const short = (d: Descriptor) => `${d.digest.slice(0, 19)}...`;
