// Certificates with SCTs from CT logs made here (node:crypto keys, ECDSA P-256 or RSA): a leaf OpenSSL made
// (test/fixtures/cosign-keyless-made) gets the SCT list extension (1.3.6.1.4.1.11129.2.4.2), each SCT signed over
// its TBSCertificate and its issuer's key as RFC 6962 3.2 says, then is signed again by its issuer's key. What the
// real vectors (Sigstore's logs, ECDSA) do not reach: RSA logs, an SCT over another certificate or issuer.
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, makePayload, SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE } from '../../src/oci/signatures';
import { childrenOf, contextTag, encodeNode, expect, readOnly, TAG } from '../../src/oci/signatures/x509/der';
import { type CtLogKey, loadCtLogKey, precertSignedData, subjectPublicKeyInfo } from '../../src/oci/signatures/x509/sct';
import { makeImage, newLayout, pushBlob, pushManifest } from '../unit/builders';
import { MADE_FIXTURES } from './keylessAttestations';

export interface MadeCtLog {
  privateKey: KeyObject;
  key: CtLogKey;
  /** Its public key as a file, as `--ctlog-key` reads it. */
  file: string;
}

/** A CT log made for a test: its key pair (P-256 or RSA 2048), its public key written to `dir/name.pub`. */
export function ctLog(dir: string, name: string, type: 'ec' | 'rsa' = 'ec'): MadeCtLog {
  const { privateKey, publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const text = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const file = join(dir, `${name}.pub`);
  writeFileSync(file, text);
  return { privateKey, key: loadCtLogKey(file, text), file };
}

const der = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const vector16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
/** 1.3.6.1.4.1.11129.2.4.2, encoded. */
const SCT_OID = Buffer.from('060a2b06010401d679020402', 'hex');

/** How one SCT is made: by `log`, at `timestamp` (ms), over the precert entry (or, to break it, another TBS or issuer key). */
export interface SctMaking {
  log: MadeCtLog;
  timestamp?: number;
  extensions?: Buffer;
  /** Signed over this TBS instead of the leaf's. */
  tbs?: Buffer;
  /** The SubjectPublicKeyInfo hashed instead of the issuer's. */
  issuerSpki?: Buffer;
  /** Its signature's last byte flipped. */
  flip?: boolean;
}

/** One SerializedSCT (RFC 6962 3.2: v1, log ID, timestamp, extensions, DigitallySigned). */
export function makeSct(tbs: Buffer, issuerSpki: Buffer, m: SctMaking): Buffer {
  const timestampBytes = Buffer.alloc(8);
  timestampBytes.writeBigUInt64BE(BigInt(m.timestamp ?? Date.UTC(2026, 0, 1)));
  const extensions = m.extensions ?? Buffer.alloc(0);
  const hash = createHash('sha256').update(m.issuerSpki ?? issuerSpki).digest();
  const signature = sign('sha256', precertSignedData({ timestampBytes, extensions }, hash, m.tbs ?? tbs), m.log.privateKey);
  if (m.flip) signature[signature.length - 1]! ^= 0x01;
  const algorithms = Buffer.from([4, m.log.key.type === 'ecdsa' ? 3 : 1]);
  return Buffer.concat([Buffer.from([0]), Buffer.from(m.log.key.logId, 'hex'), timestampBytes, vector16(extensions), algorithms, vector16(signature)]);
}

/** The TBSCertificate of a PEM certificate, as encoded. */
export function tbsOf(pem: string): Buffer {
  return childrenOf(readOnly(der(pem), 'certificate'))[0]!.raw;
}

/**
 * `leafPem` with the SCT list extension holding `scts` (each made over the leaf's TBS as it is, and its issuer's key:
 * the precertificate's), signed again by `issuerKey` (ECDSA with SHA-256, as OpenSSL signed the made leaves).
 * `list` replaces the TLS list's bytes (to damage it).
 */
export function withScts(leafPem: string, issuerPem: string, issuerKey: KeyObject, scts: SctMaking[], list?: (bytes: Buffer) => Buffer): string {
  const cert = childrenOf(readOnly(der(leafPem), 'certificate'));
  const tbs = cert[0]!;
  const issuerSpki = subjectPublicKeyInfo(der(issuerPem));
  const made = scts.map((m) => vector16(makeSct(tbs.raw, issuerSpki, m)));
  const tls = vector16(Buffer.concat(made));
  const extension = encodeNode(TAG.SEQUENCE, Buffer.concat([SCT_OID, encodeNode(TAG.OCTET_STRING, encodeNode(TAG.OCTET_STRING, list ? list(tls) : tls))]));
  const children = childrenOf(tbs);
  const at = children.findIndex((n) => n.tag === contextTag(3, true));
  const extensions = childrenOf(expect(childrenOf(children[at]!)[0], TAG.SEQUENCE, 'extensions'));
  const field = encodeNode(contextTag(3, true), encodeNode(TAG.SEQUENCE, Buffer.concat([...extensions.map((n) => n.raw), extension])));
  const newTbs = encodeNode(TAG.SEQUENCE, Buffer.concat([...children.slice(0, at).map((n) => n.raw), field, ...children.slice(at + 1).map((n) => n.raw)]));
  const signature = sign('sha256', newTbs, issuerKey);
  const out = encodeNode(TAG.SEQUENCE, Buffer.concat([newTbs, cert[1]!.raw, encodeNode(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), signature]))]));
  return `-----BEGIN CERTIFICATE-----\n${out.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

/**
 * A layout whose image v1 is signed as cosign signs keyless: by the made workflow leaf's key, its layer carrying
 * `leaf` (PEM: the workflow leaf, with or without SCTs) and the made chain (intermediate, root). Returns the folder.
 */
export async function signedByMadeLeaf(leaf: string): Promise<string> {
  const pem = (name: string) => readFileSync(join(MADE_FIXTURES, `${name}.pem`), 'utf8');
  const store = await newLayout();
  const image = await makeImage(store);
  await store.tag(image, 'v1');
  const payload = makePayload(image.digest, 'r.example/app:v1');
  const signature = sign('sha256', payload, createPrivateKey(readFileSync(join(MADE_FIXTURES, 'workflow.key.pem')))).toString('base64');
  const annotations = { [SIGNATURE_ANNOTATION]: signature, [CERTIFICATE_ANNOTATION]: leaf, [CHAIN_ANNOTATION]: pem('intermediate') + pem('root') };
  const layer = { ...(await pushBlob(store, payload, SIMPLESIGNING_MEDIA_TYPE)), annotations };
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: await pushBlob(store, '{}', MediaType.ImageConfig), layers: [layer] };
  await store.tag(await pushManifest(store, manifest), cosignTag(image.digest, 'sig'));
  return store.location;
}
