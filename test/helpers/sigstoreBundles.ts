// cosign 3's Sigstore bundle vector (test/fixtures/sigstore-bundle, from cosign's testdata) and the image it signs,
// stored as cosign 3 stores them: the image tagged v1, the bundle an OCI 1.1 referrer of artifactType
// application/vnd.dev.sigstore.bundle.v0.3+json (WriteAttestationNewBundleFormat). Used by the unit and registry tests.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { SIGSTORE_BUNDLE_MEDIA_TYPE } from '../../src/oci/signatures';
import type { Target } from '../../src/oci/target';
import { makeImage, newLayout, pushBlob, pushManifest } from '../unit/builders';

const FIXTURES = join(__dirname, '..', 'fixtures', 'sigstore-bundle');
export const sigstoreFixture = (name: string) => join(FIXTURES, name);
export const REKOR_PUB = join(__dirname, '..', 'fixtures', 'cosign-keyless', 'rekor.pub');
export const FULCIO_V1 = join(__dirname, '..', 'fixtures', 'cosign-keyless', 'fulcio_v1.crt.pem');
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** go-containerregistry's empty image, which the vector signs. */
export const IMAGE_DIGEST = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
/** Whom its Fulcio certificate is for, through which OIDC issuer. */
export const IDENTITY = 'cody@soyland.com';
export const ISSUER = 'https://github.com/login/oauth';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The vector, parsed afresh (tests change it). */
export const attestation = (): Json => JSON.parse(readFileSync(sigstoreFixture('oci-attestation.sigstore.json'), 'utf8')) as Json;

/** The image the cosign vector signs (go-containerregistry's empty image), tagged v1. */
export async function storeImage(store: Target): Promise<Descriptor> {
  await pushBlob(store, readFileSync(sigstoreFixture('config.json')), 'application/vnd.docker.container.image.v1+json');
  const bytes = readFileSync(sigstoreFixture('manifest.json'));
  const image = { mediaType: DOCKER_MANIFEST, digest: digestOf(bytes), size: bytes.length };
  await store.push(image, bytes);
  await store.tag(image, 'v1');
  return image;
}

/** `bundle` attached to `subject` as cosign 3's WriteAttestationNewBundleFormat writes it. */
export async function attachBundle(store: Target, subject: Descriptor, bundle: Buffer | Json, predicateType = 'https://cosign.sigstore.dev/attestation/v1'): Promise<Descriptor> {
  const bytes = Buffer.isBuffer(bundle) ? bundle : Buffer.from(JSON.stringify(bundle));
  return pushManifest(store, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    config: await pushBlob(store, '{}', 'application/vnd.oci.empty.v1+json'),
    layers: [await pushBlob(store, bytes, SIGSTORE_BUNDLE_MEDIA_TYPE)],
    subject,
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': predicateType, 'org.opencontainers.image.created': '2025-02-28T19:18:11Z' },
  });
}

/** What the bundle-writing tests share: a P-256 key pair, a public key as PEM, a fixed time, an SPDX predicate. */
export const ecKeys = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const pubPem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
export const BUNDLE_NOW = new Date('2026-12-07T06:00:00.123Z');
export const SBOM = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));

/** A fresh layout with one image tagged v1. */
export async function imageLayout() {
  const store = await newLayout();
  const image = await makeImage(store);
  await store.tag(image, 'v1');
  return { store, image };
}
