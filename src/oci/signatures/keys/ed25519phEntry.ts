// What ed25519ph.ts takes from @noble/curves, bundled alone as dist/ed25519ph.js (esbuild.mjs): Ed25519ph and no
// more (its ESM build, so x25519 and hash-to-curve are left out). Tests and tsx use the package itself.
export { ed25519ph } from '@noble/curves/ed25519';
