// `npm run package`'s .vsix: packaged for real (scripts/vscode-host/package-vsix.mjs, @vscode/vsce) and its zip
// directory read back. It holds the bundles, media, l10n, the schemas, README and LICENSE, and nothing else.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extensionBundle } from '../helpers/projectFiles';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const MAX_BYTES = 2 * 1024 * 1024;

/** What a packaged extension may hold: vsce's own manifest files, then `extension/...` as .vscodeignore lets in. */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/[\w.-]+\.js$/,
  /^extension\/media\/[\w./-]+\.(svg|png|css)$/,
  /^extension\/l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
  /^extension\/schemas\/[\w.-]+\.schema\.json$/,
];

interface ZipEntry {
  name: string;
  size: number;
}

/** The entries of a zip's central directory (the .vsix is a plain zip; no zip64 at this size). */
function zipEntries(zip: Buffer): ZipEntry[] {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, 'no end of central directory: not a zip');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size: zip.readUInt32LE(at + 24) });
    at += 46 + skip;
  }
  return entries;
}

describe('extension: the .vsix', function () {
  this.timeout(120_000);
  let dir: string;
  let vsix: string;
  let names: string[];

  before(async () => {
    extensionBundle(); // packaging takes dist/ as built
    dir = mkdtempSync(join(tmpdir(), 'manifold-vsix-test-'));
    const { packageVsix } = await import(pathToFileURL(join(root, 'scripts/vscode-host/package-vsix.mjs')).href);
    vsix = packageVsix(join(dir, 'manifold.vsix'));
    const entries = zipEntries(readFileSync(vsix));
    names = entries.map((e) => e.name).sort();
    const unpacked = entries.reduce((n, e) => n + e.size, 0);
    console.log(`      .vsix: ${names.length} files, ${(statSync(vsix).size / 1024).toFixed(0)} KiB (${(unpacked / 1024).toFixed(0)} KiB unpacked)`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds only dist/, media/, l10n/, schemas/, README, LICENSE and package.json', () => {
    assert.deepEqual(names.filter((n) => !ALLOWED.some((re) => re.test(n))), []);
  });

  it('holds every file package.json and the code name at run time', () => {
    const needed = [
      pkg.main.replace(/^\.\//, ''),
      'dist/indexEditor.js',
      'media/indexEditor/indexEditor.css',
      'dist/coverage.js',
      'dist/ed25519ph.js', // required when an Ed25519 key signs or verifies (esbuild.mjs bundles it apart)
      'media/coverage/coverage.css',
      `${pkg.l10n.replace(/^\.\//, '')}/bundle.l10n.json`,
      ...pkg.contributes.viewsContainers.activitybar.map((c: { icon: string }) => c.icon),
      ...pkg.contributes.jsonValidation.map((j: { url: string }) => j.url.replace(/^\.\//, '')),
      'package.json',
      'package.nls.json',
      'readme.md',
      'LICENSE.txt',
    ];
    assert.deepEqual(needed.filter((f) => !names.includes(`extension/${f}`)), []);
  });

  it('leaves out source maps, sources and dotfiles', () => {
    assert.deepEqual(names.filter((n) => /\.(map|ts)$|(^|\/)\./.test(n)), []);
  });

  it('is under 2 MB', () => {
    assert.ok(statSync(vsix).size < MAX_BYTES, `${statSync(vsix).size} bytes`);
  });
});
