// The layers of the code, enforced: every import of every source file is read (TypeScript's own pre-processor, so
// `import`, `export ... from`, `import x = require()` and dynamic `import()` all count) and checked against the
// rules the README's "Code map" states in the same words. A failure names the file and the import.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const root = resolve(__dirname, '../..');

interface Import {
  /** The importing file, relative to the project (`src/oci/copy/copy.ts`). */
  file: string;
  /** The specifier as written. */
  spec: string;
  /** For a relative specifier, the imported path relative to the project, without extension; else undefined. */
  target?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.(ts|mts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName: spec }) => ({
    file,
    spec,
    target: spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)).replace(/\.(js|ts)$/, '') : undefined,
  }));
}

const all: Import[] = [...sourceFiles('src'), ...sourceFiles('media')].flatMap(importsOf);
const under = (path: string | undefined, ...folders: string[]): boolean =>
  path !== undefined && folders.some((f) => path === f || path.startsWith(`${f}/`));
const show = (list: Import[]): string[] => list.map((i) => `${i.file} imports '${i.spec}'`);

// The model: what OCI content is (digests, descriptors, media types, platforms, references, errors, validation,
// Go-compatible encoding, the index document model). It knows nothing of what is done with content.
const MODEL_FILES = ['digest', 'descriptor', 'mediaType', 'platform', 'reference', 'errors', 'selectPlatform'].map((f) => `src/oci/${f}`);
const MODEL_FOLDERS = ['src/oci/validate', 'src/oci/encoding', 'src/oci/indexDocument'];
// The operations: written once against the Target interfaces (src/oci/target.ts), for layouts and registries alike.
const OPERATIONS = ['src/oci/imageIndex', 'src/oci/referrers', 'src/oci/copy', 'src/oci/artifacts', 'src/oci/check'];
// The targets: the two implementations of Target.
const TARGETS = ['src/oci/layout', 'src/oci/registry'];

// The rooms of src/oci/signatures: X.509 and DER (with CMS and RFC 3161 timestamps), keys, Sigstore bundles and their
// logs, the Notary Project; at the top, cosign's classic format, the shared result types and the entry points.
const SIG = 'src/oci/signatures';
const ROOMS = ['x509', 'keys', 'sigstore', 'notary'].map((r) => `${SIG}/${r}`);
const SIG_ENTRY_POINTS = ['index', 'sign', 'verify', 'verifyImage', 'verifyProblems'].map((f) => `${SIG}/${f}`);

/** The project file a relative import names (`x.ts` or `x/index.ts`), or undefined for a package. */
function fileOf(i: Import): string | undefined {
  if (i.target === undefined) return undefined;
  return [`${i.target}.ts`, `${i.target}/index.ts`].find((f) => existsSync(join(root, f)) && statSync(join(root, f)).isFile());
}

/** Import cycles among `files` (Tarjan's strongly connected components of more than one file). */
function cycles(files: string[]): string[][] {
  const edges = new Map(files.map((f) => [f, all.filter((i) => i.file === f).map(fileOf).filter((t): t is string => t !== undefined && files.includes(t))]));
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

describe('layering', () => {
  it('reads the imports of every source file', () => {
    assert.ok(all.filter((i) => i.file.startsWith('src/oci/')).length > 300, `only ${all.length} imports read`);
    assert.ok(all.some((i) => i.file.startsWith('media/')), 'no imports read under media/');
  });

  it('the core (src/oci) imports no vscode, no CLI, no extension', () => {
    const bad = all.filter((i) => under(i.file, 'src/oci') && (i.spec === 'vscode' || under(i.target, 'src/cli', 'src/extension', 'src/shared', 'media')));
    assert.deepEqual(show(bad), []);
  });

  it('the CLI and the extension never import each other', () => {
    const bad = all.filter(
      (i) => (under(i.file, 'src/cli') && (i.spec === 'vscode' || under(i.target, 'src/extension'))) || (under(i.file, 'src/extension') && under(i.target, 'src/cli')),
    );
    assert.deepEqual(show(bad), []);
  });

  it('the webview page (media/) imports only its own files, the shared protocol (src/shared) and @vscode/l10n', () => {
    const bad = all.filter((i) => under(i.file, 'media') && !(under(i.target, 'media', 'src/shared') || i.spec === '@vscode/l10n'));
    assert.deepEqual(show(bad), []);
  });

  it('the shared protocol (src/shared) imports nothing of the project', () => {
    const bad = all.filter((i) => under(i.file, 'src/shared') && (i.target === undefined ? i.spec === 'vscode' : !under(i.target, 'src/shared')));
    assert.deepEqual(show(bad), []);
  });

  it('the model imports no operation', () => {
    const model = (f: string) => MODEL_FILES.includes(f.replace(/\.ts$/, '')) || under(f, ...MODEL_FOLDERS);
    assert.ok(all.some((i) => model(i.file)), 'no model files found');
    const bad = all.filter((i) => model(i.file) && under(i.target, ...OPERATIONS));
    assert.deepEqual(show(bad), []);
  });

  it('the operations reach layouts and registries only through the Target interfaces', () => {
    const bad = all.filter((i) => under(i.file, ...OPERATIONS) && under(i.target, ...TARGETS));
    assert.deepEqual(show(bad), []);
  });

  it('the targets do not call operations back', () => {
    const bad = all.filter((i) => under(i.file, ...TARGETS) && under(i.target, ...OPERATIONS));
    assert.deepEqual(show(bad), []);
  });

  it('signatures/x509/ imports nothing else of signatures/', () => {
    const bad = all.filter((i) => under(i.file, `${SIG}/x509`) && under(i.target, SIG) && !under(i.target, `${SIG}/x509`));
    assert.deepEqual(show(bad), []);
  });

  it('signatures/keys/ imports of signatures/ only itself and cosignFormat.ts', () => {
    const bad = all.filter((i) => under(i.file, `${SIG}/keys`) && under(i.target, SIG) && !under(i.target, `${SIG}/keys`, `${SIG}/cosignFormat`));
    assert.deepEqual(show(bad), []);
  });

  it('signatures/sigstore/ and signatures/notary/ never import each other', () => {
    const bad = all.filter((i) => (under(i.file, `${SIG}/sigstore`) && under(i.target, `${SIG}/notary`)) || (under(i.file, `${SIG}/notary`) && under(i.target, `${SIG}/sigstore`)));
    assert.deepEqual(show(bad), []);
  });

  it("the rooms of signatures/ never import its entry points (index, sign, verify, verifyImage, verifyProblems)", () => {
    assert.ok(all.some((i) => under(i.file, ...ROOMS)), 'no files found in the rooms of signatures/');
    const bad = all.filter((i) => under(i.file, ...ROOMS) && SIG_ENTRY_POINTS.includes(i.target ?? ''));
    assert.deepEqual(show(bad), []);
  });

  it('the CLI and the extension import signatures/ only through its index', () => {
    const bad = all.filter((i) => under(i.file, 'src/cli', 'src/extension') && under(i.target, SIG) && i.target !== SIG && i.target !== `${SIG}/index`);
    assert.deepEqual(show(bad), []);
  });

  it('the core, the CLI and the shared protocol have no import cycles (type-only imports included)', () => {
    const files = [...new Set(all.map((i) => i.file))].filter((f) => under(f, 'src/oci', 'src/cli', 'src/shared'));
    assert.deepEqual(cycles(files).map((c) => c.join(' <-> ')), []);
  });
});
