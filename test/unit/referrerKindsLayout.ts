// The layout cp -r --only and copyTags --only (backup, restore, layout import) are tried on: made here with
// `manifold attach` and `manifold sign`, so each referrer's kind is what coverage tells of it.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { cosignTag } from '../../src/oci/referrers';
import { encryptCosignKey } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { makeMultiArchLayout, tempDir } from './builders';

export const NOTARY = 'application/vnd.cncf.notary.signature';
export const SCAN = 'application/vnd.example.scan+json';

export interface Made {
  a: string;
  index: Descriptor;
  children: Descriptor[];
  digests: { signature: string; sbom: string; sbomSignature: string; scan: string; scanSignature: string; cosignSig: string };
}

/** multi (an index of three) with a signature and an SBOM on the index, the SBOM signed, a scan on a platform and signed, a cosign signature tag. */
export async function made(): Promise<Made> {
  const { store, index, children } = await makeMultiArchLayout();
  const a = store.location;
  const dir = tempDir();
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const attach = async (subject: string, type: string, name: string): Promise<string> => {
    const r = await runCli('attach', '--oci-layout', `${a}${subject}`, '--artifact-type', type, '--disable-path-validation', file(name, `${name}\n`), '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { artifacts: Array<{ digest: string }> }).artifacts[0]!.digest;
  };
  const signature = await attach(':multi', NOTARY, 'index.sig');
  const sbom = await attach(':multi', 'application/spdx+json', 'sbom.spdx.json');
  const sbomSignature = await attach(`@${sbom}`, NOTARY, 'sbom.sig');
  const scan = await attach(`@${children[0]!.digest}`, SCAN, 'scan.json');
  const scanSignature = await attach(`@${scan}`, NOTARY, 'scan.sig');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(privateKey, 'pw'));
  writeFileSync(join(dir, 'pass'), 'pw\n');
  const s = await runCli('sign', '--key', join(dir, 'cosign.key'), '--passphrase-file', join(dir, 'pass'), '--identity', 'r.example/app:v1', '--oci-layout', `${a}:multi`);
  assert.equal(s.code, 0, s.stderr);
  const cosignSig = (await store.resolve(cosignTag(index.digest, 'sig'))).digest;
  return { a, index, children, digests: { signature, sbom, sbomSignature, scan, scanSignature, cosignSig } };
}

/** Every referrer the copy lists, under each manifest it holds, and its tags. */
export async function carried(dir: string, m: Made): Promise<{ referrers: string[]; tags: string[] }> {
  const store = await OciLayoutStore.open(dir);
  const referrers: string[] = [];
  const walk = async (digest: string) => {
    for await (const r of store.referrers({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 0 })) {
      if (!referrers.includes(r.digest)) referrers.push(r.digest);
      await walk(r.digest);
    }
  };
  for (const d of [m.index, ...m.children]) await walk(d.digest);
  const tags: string[] = [];
  for await (const t of store.tags()) tags.push(t);
  return { referrers: referrers.sort(), tags: tags.sort() };
}
