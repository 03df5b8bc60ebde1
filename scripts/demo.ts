// `npm start` until the extension views land: generates the demo layout and lists its tags with the CLI.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDemoLayout } from './demoLayout';
import { addPlatformSbom, DEMO_SBOM_PLATFORM } from './demoPlatformSbom';

async function run(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'demo/layout');
  rmSync(dir, { recursive: true, force: true });
  await generateDemoLayout(dir);
  // An SBOM on one platform only: the gap the referrer coverage page shows.
  await addPlatformSbom(dir);
  process.stdout.write(`Demo layout written to ${dir} (an SBOM on the index and on ${DEMO_SBOM_PLATFORM} only)\n\n$ manifold repo tags --oci-layout ${dir}\n`);
  const cli = resolve(__dirname, '../dist/cli.js');
  process.stdout.write(execFileSync(process.execPath, [cli, 'repo', 'tags', '--oci-layout', dir]));
  process.stdout.write(`\n$ manifold coverage --oci-layout ${dir}:v1\n`);
  process.stdout.write(execFileSync(process.execPath, [cli, 'coverage', '--oci-layout', `${dir}:v1`]));
}

run().catch((err: unknown) => {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
