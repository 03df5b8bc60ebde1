// The demo's signature gap: v1 (its index) and linux/amd64 signed as cosign signs with a key, linux/arm64/v8 not, so
// Verify Signatures… and `manifold verify --recursive` show the one platform without a valid signature. The Verify
// Signatures browser test signs its layout with it (one module graph: the store's errors are the signer's).
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { OciLayoutStore } from '../src/oci/layout';
import { signKey, signManifest } from '../src/oci/signatures';

export const DEMO_SIGNED_TAGS = ['v1', 'linux-amd64'];

/** Signs the tags with a new P-256 key, naming `identity`; returns the public key's PEM (cosign.pub). */
export async function signDemoLayout(dir: string, identity: string, tags: readonly string[] = DEMO_SIGNED_TAGS): Promise<string> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const store = await OciLayoutStore.open(dir);
  for (const tag of tags) await signManifest(store, await store.resolve(tag), signKey('cosign.key', pair.privateKey), identity);
  return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

// node --import tsx scripts/demoSignatures.ts LAYOUT PUBLIC_KEY_FILE IDENTITY: signs, writes cosign.pub (a process
// of its own: tsImport's module graphs in a test process do not share the core's error class).
if (require.main === module) {
  const [dir, publicFile, identity] = process.argv.slice(2);
  if (!dir || !publicFile || !identity) throw new Error('usage: demoSignatures.ts LAYOUT PUBLIC_KEY_FILE IDENTITY');
  void signDemoLayout(dir, identity).then((pem) => writeFileSync(publicFile, pem));
}
