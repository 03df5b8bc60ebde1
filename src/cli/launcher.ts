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
 * after them would be refused by the next run, which compiles before any flag is set. It then learns the
 * commands run: at the exit of a command it has not seen, unless that command changed V8's flags, it is made
 * again, now holding the functions the command compiled (V8 compiles a function on its first call, and a cache
 * holds only what was compiled when it was made). A no-op re-copy compiled ~15 million instructions' worth each
 * run (10% of its start-up). The names it learnt are kept in its header, so each command costs one rewrite.
 *
 * The cache file holds the exact bundle it was made from, and that copy is what runs: V8 itself checks only the
 * source's length, so code compiled from another bundle of the same length would run as this one. Whether the copy
 * is still the bundle is told by the bundle's stat (device, inode, size, mtime, ctime), kept beside it: reading the
 * bundle too and comparing the two took 3-8 ms of every command's start-up. When the stat differs, the bundle is
 * read and compared byte for byte as before (a rebuild that wrote the same bytes keeps its cache). Were a stat ever
 * fooled (a same-size rewrite within one tick of a coarse file system clock), the previous build would run, whole
 * and consistent with its cache, never code compiled from other source.
 * Only node built-ins here: whatever this file imports is loaded before the cache can help.
 */
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What the bundle (src/cli/main.ts) exports for its launcher. */
interface CliBundle {
  runCli(argv: string[]): void;
  /** The command argv names (src/cli/main.ts). */
  commandName?(argv: string[]): string;
  /** Whether the run changed V8's flags, which would make a cache made now useless. */
  v8FlagsChanged?(): boolean;
}

export type CacheState = 'off' | 'absent' | 'stale' | 'rejected' | 'accepted';

const MAGIC = 'manifold-code-cache 2\n';

/** The bundle's identity on disk: what changes when it is rewritten, replaced or copied. */
export function bundleKey(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/** What to compile: the bundle's source and, when the cache holds V8's data for exactly that source, the data. */
export interface CachedSource {
  source: Buffer;
  /** V8's data, made from `source`; undefined when absent or stale. */
  data?: Buffer;
  state: 'absent' | 'stale' | 'accepted';
  /** The cache's key is not the bundle's (its bytes are): rewrite it so the next run needs no comparison. */
  rekey?: boolean;
  /** The commands the cache was made after (see the file's comment). */
  learnt: string[];
}

/**
 * The cache file: MAGIC, a line with the bundle's length, key (bundleKey) and the commands it learnt (comma
 * separated), the bundle, V8's data. Its bundle
 * copy is the source when its key is the bundle's `key`, or when the bundle (read by `readBundle`) has its bytes.
 */
export function readCache(file: string, key: string, readBundle: () => Buffer): CachedSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { source: readBundle(), state: 'absent', learnt: [] };
  }
  const stale = (): CachedSource => ({ source: readBundle(), state: 'stale', learnt: [] });
  if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return stale();
  const eol = bytes.indexOf(10, MAGIC.length);
  const header = eol < 0 ? null : /^(\d+) (\S+) ?(.*)$/.exec(bytes.toString('latin1', MAGIC.length, eol));
  const start = eol + 1;
  const end = start + Number(header?.[1]);
  if (!header || bytes.length <= end) return stale();
  const copy = bytes.subarray(start, end);
  const data = bytes.subarray(end);
  const learnt = header[3] === '' ? [] : header[3]!.split(',');
  if (header[2] === key) return { source: copy, data, state: 'accepted', learnt };
  const source = readBundle();
  return source.equals(copy) ? { source, data, state: 'accepted', rekey: true, learnt } : { source, state: 'stale', learnt: [] };
}

/** Writes the cache through a temporary name and a rename: concurrent runs each leave a whole file or none. */
export function writeCache(file: string, source: Buffer, key: string, learnt: string[], data: () => Buffer): void {
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
      writeFileSync(fd, Buffer.concat([Buffer.from(`${MAGIC}${source.length} ${key} ${learnt.join(',')}\n`), source, data()]));
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
  const key = bundleKey(statSync(bundle));
  const cacheFile = `${bundle}.cache`;
  const { source, data, state: found, rekey, learnt } = readCache(cacheFile, key, () => readFileSync(bundle));
  // Module.wrap: the bundle runs as CommonJS, with its own require, module and __dirname.
  const script = new Script(Module.wrap(source.toString('utf8')), { filename: bundle, cachedData: data });
  const state: CacheState = found !== 'accepted' ? found : script.cachedDataRejected ? 'rejected' : 'accepted';
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  const load = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  load.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  const cli = mod.exports as CliBundle;
  if (state !== 'accepted') writeCache(cacheFile, source, key, [], () => script.createCachedData());
  else if (rekey) writeCache(cacheFile, source, key, learnt, () => data!);
  const name = cli.commandName?.(argv);
  const known = state === 'accepted' ? learnt : [];
  if (name !== undefined && /^[a-z][a-z ]*$/.test(name) && !known.includes(name)) {
    process.once('exit', () => {
      if (!cli.v8FlagsChanged?.()) writeCache(cacheFile, source, key, [...known, name], () => script.createCachedData());
    });
  }
  cli.runCli(argv);
  return state;
}

if (require.main === module) {
  const state = launch(join(__dirname, 'cliMain.js'), process.argv.slice(2));
  if (process.env.MANIFOLD_DEBUG) process.stderr.write(`manifold: code cache ${state}\n`);
}
