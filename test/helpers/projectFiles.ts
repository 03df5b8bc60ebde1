// The project's own files, for the unit tests that read the extension's sources or its bundle.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** Every `.ts` file below `dir`, as absolute paths. */
export function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? typeScriptFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** dist/extension.js, built first (esbuild.mjs) when `npm run build` has not made it. Returns its path. */
export function extensionBundle(): string {
  const bundle = join(root, 'dist/extension.js');
  if (!existsSync(bundle)) execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  return bundle;
}
