import { main } from '../../src/cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `manifold` in-process with its output captured. */
export async function runCli(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Runs `manifold` with `dir` as the current folder, so file names are relative as a user types them. */
export async function runCliIn(dir: string, ...argv: string[]): Promise<CliResult> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await runCli(...argv);
  } finally {
    process.chdir(cwd);
  }
}
