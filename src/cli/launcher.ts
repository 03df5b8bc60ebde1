/**
 * dist/cli.js, the `manifold` command: starts the CLI bundle (dist/cliMain.js) from V8's code cache.
 *
 * Node 20 compiles a CommonJS file from scratch on every start (module.enableCompileCache is Node 22): for the
 * 400 KB bundle that is a third of the CLI's own start-up. So this small file compiles the bundle through vm.Script
 * with the cached data a previous run left beside it (dist/cliMain.js.cache), and writes that cache when it was
 * missing, stale or refused. Everything else falls back to a plain compile: no cache file, an unwritable folder,
 * another Node (V8 refuses its cache: `cachedDataRejected`), --enable-source-maps (which Node 20 applies to
 * required files only), or MANIFOLD_CODE_CACHE=0.
 *
 * The cache is made once the bundle's top level has run, before the command runs: the V8 flags a registry
 * command sets (preferQuickStartup in src/oci/registry/client.ts) are part of a cache's key, so a cache made
 * after them would be refused by the next run, which compiles before any flag is set.
 *
 * The cache file holds the exact bundle it was made from, compared byte for byte before use: V8 itself checks only
 * the source's length, and code compiled from another bundle of the same length would run as this one.
 * Only node built-ins here: whatever this file imports is loaded before the cache can help.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What the bundle (src/cli/main.ts) exports for its launcher. */
interface CliBundle {
  runCli(argv: string[]): void;
}

export type CacheState = 'off' | 'absent' | 'stale' | 'rejected' | 'accepted';

const MAGIC = 'manifold-code-cache 1\n';

/** The cache file: MAGIC, the bundle's length, the bundle, V8's data. V8's data if the bundle in it is `source` byte for byte. */
export function readCache(file: string, source: Buffer): Buffer | 'absent' | 'stale' {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return 'absent';
  }
  if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return 'stale';
  const eol = bytes.indexOf(10, MAGIC.length);
  const start = eol + 1;
  if (eol < 0 || bytes.toString('latin1', MAGIC.length, eol) !== String(source.length) || bytes.length <= start + source.length) return 'stale';
  if (!bytes.subarray(start, start + source.length).equals(source)) return 'stale';
  return bytes.subarray(start + source.length);
}

/** Writes the cache through a temporary name and a rename: concurrent runs each leave a whole file or none. */
export function writeCache(file: string, source: Buffer, data: () => Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  let fd: number;
  try {
    // Opened before V8 serializes anything, so an unwritable folder costs one failed open per run.
    fd = openSync(temp, 'w', 0o644);
  } catch {
    return;
  }
  try {
    try {
      writeFileSync(fd, Buffer.concat([Buffer.from(`${MAGIC}${source.length}\n`), source, data()]));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing to clean up.
    }
  }
}

/** Loads and runs the bundle; returns how the code cache was used. */
export function launch(bundle: string, argv: string[], env: NodeJS.ProcessEnv = process.env): CacheState {
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled || process.execArgv.includes('--enable-source-maps');
  if (sourceMaps || env.MANIFOLD_CODE_CACHE === '0') {
    (require(bundle) as CliBundle).runCli(argv);
    return 'off';
  }
  const source = readFileSync(bundle);
  const cacheFile = `${bundle}.cache`;
  const cached = readCache(cacheFile, source);
  // Module.wrap: the bundle runs as CommonJS, with its own require, module and __dirname.
  const script = new Script(Module.wrap(source.toString('utf8')), { filename: bundle, cachedData: typeof cached === 'object' ? cached : undefined });
  const state: CacheState = typeof cached !== 'object' ? cached : script.cachedDataRejected ? 'rejected' : 'accepted';
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  const load = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  load.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  if (state !== 'accepted') writeCache(cacheFile, source, () => script.createCachedData());
  (mod.exports as CliBundle).runCli(argv);
  return state;
}

if (require.main === module) {
  const state = launch(join(__dirname, 'cliMain.js'), process.argv.slice(2));
  if (process.env.MANIFOLD_DEBUG) process.stderr.write(`manifold: code cache ${state}\n`);
}
