// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { type CosignKeyPair, cosignKeyPair, generateCosignKeyPair, importedPrivateKey, KEY_PAIR_TYPES, type KeyPairType, writeKeyPairFiles } from '../../oci/signatures';
import { boolOpt, type Command, type ParsedCommand, stringOpt, UsageError } from '../command';
import type { Printer } from '../printer';
import { promptHidden } from '../passphrasePrompt';
import { givenPassphrase, PASSPHRASE_ENV, readText } from './sign';

const OUTPUT_OPTIONS = {
  'output-key-prefix': { type: 'string', description: 'write PREFIX.key and PREFIX.pub (default: cosign, or import-cosign for import-key-pair), as cosign names them', valueName: 'PREFIX' },
  'passphrase-file': { type: 'string', description: `a file holding the passphrase to seal the key under (its first line); else $${PASSPHRASE_ENV}; else asked twice at the terminal; else standard input's first line`, valueName: 'FILE' },
  force: { type: 'boolean', description: 'replace PREFIX.key and PREFIX.pub if they exist (else asked at a terminal, refused elsewhere)' },
} as const;

export const generateKeyPair: Command = {
  path: 'generate-key-pair',
  summary: "Make a key pair to sign with, in cosign's files: PREFIX.key (encrypted under a passphrase) and PREFIX.pub",
  usage: 'generate-key-pair [--key-type TYPE] [--output-key-prefix PREFIX] [--passphrase-file FILE] [--force]',
  examples: [
    'manifold generate-key-pair --passphrase-file pass.txt --output-key-prefix release   # release.key and release.pub; with neither flag cosign.key and cosign.pub, the passphrase from $COSIGN_PASSWORD or asked twice, as cosign',
    'manifold generate-key-pair --key-type ed25519 --output-key-prefix ed --passphrase-file pass.txt',
  ],
  minArgs: 0,
  maxArgs: 0,
  localFiles: true,
  options: {
    'key-type': { type: 'string', description: `the kind of key: ${KEY_PAIR_TYPES.join(', ')} (default ecdsa-p256, as cosign makes)`, valueName: 'TYPE' },
    ...OUTPUT_OPTIONS,
  },
  async run(p, printer) {
    const type = stringOpt(p, 'key-type') ?? 'ecdsa-p256';
    if (!(KEY_PAIR_TYPES as readonly string[]).includes(type)) throw new UsageError(`--key-type ${type}: one of ${KEY_PAIR_TYPES.join(', ')}`);
    const files = await outputFiles(p, 'cosign');
    await writePair(files, generateCosignKeyPair(type as KeyPairType, await newPassphrase(p)), printer);
  },
};

export const importKeyPair: Command = {
  path: 'import-key-pair',
  summary: "Seal a PEM private key (PKCS#8, PKCS#1 RSA, SEC1 EC) made by another tool as cosign's PREFIX.key, with its PREFIX.pub",
  usage: 'import-key-pair --key FILE [--output-key-prefix PREFIX] [--passphrase-file FILE] [--force]',
  examples: ['manifold import-key-pair --key openssl.pem --passphrase-file pass.txt   # import-cosign.key and import-cosign.pub, as cosign import-key-pair'],
  minArgs: 0,
  maxArgs: 0,
  localFiles: true,
  options: {
    key: { type: 'string', description: 'the PEM private key to import (unencrypted)', valueName: 'FILE' },
    ...OUTPUT_OPTIONS,
  },
  async run(p, printer) {
    const keyFile = stringOpt(p, 'key');
    if (keyFile === undefined) throw new UsageError('--key FILE is required: the PEM private key to import');
    const key = importedPrivateKey(keyFile, await readText(keyFile, '--key'));
    const files = await outputFiles(p, 'import-cosign');
    await writePair(files, cosignKeyPair(keyFile, key, await newPassphrase(p)), printer);
  },
};

interface OutputFiles {
  key: string;
  pub: string;
  replace: boolean;
}

/** PREFIX.key and PREFIX.pub; if either exists, replaced only with --force or a yes at the terminal. */
async function outputFiles(p: ParsedCommand, fallback: string): Promise<OutputFiles> {
  const prefix = stringOpt(p, 'output-key-prefix') ?? fallback;
  if (prefix === '' || prefix.endsWith('/')) throw new UsageError(`--output-key-prefix "${prefix}": a file name prefix, not a folder`);
  const files = { key: `${prefix}.key`, pub: `${prefix}.pub` };
  return { ...files, replace: await mayReplace([files.key, files.pub], boolOpt(p, 'force'), '--output-key-prefix') };
}

/**
 * Whether the files about to be written replace others: false when none exists; true with `force` or a yes at the
 * terminal; else a UsageError naming them (and `prefixFlag`, the way to write elsewhere).
 */
export async function mayReplace(files: readonly string[], force: boolean, prefixFlag: string): Promise<boolean> {
  const existing = [];
  for (const f of files) {
    if (await fsp.lstat(f).then(() => true, () => false)) existing.push(f);
  }
  if (existing.length === 0) return false;
  if (force) return true;
  const which = existing.join(' and ');
  if (!process.stdin.isTTY) throw new UsageError(`${which} already ${existing.length > 1 ? 'exist' : 'exists'}: replace with --force, or choose ${prefixFlag}`);
  const { createInterface } = require('node:readline/promises') as typeof import('node:readline/promises'); // only when asking
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${which} already ${existing.length > 1 ? 'exist' : 'exists'}. Replace? [y/N] `).finally(() => rl.close());
  if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError(`${which} kept: nothing written`);
  return true;
}

/** The passphrase a new cosign.key is sealed under: the file's first line, cosign's variable, asked twice, or stdin's first line. */
async function newPassphrase(p: ParsedCommand): Promise<string> {
  const given = await givenPassphrase(stringOpt(p, 'passphrase-file'));
  if (given !== undefined) return given;
  if (process.stdin.isTTY) {
    const first = await promptHidden('Enter password for private key: ');
    const again = await promptHidden('Enter password for private key again: ');
    if (first !== again) throw new UsageError('the two passwords differ: nothing written');
    return first;
  }
  // Piped in, as cosign takes it; its first line only, as --passphrase-file and sign read one (cosign keeps a final newline).
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]!;
}

/** Both files written (the core's writeKeyPairFiles), then where they are. */
async function writePair(files: OutputFiles, made: CosignKeyPair, printer: Printer): Promise<void> {
  await writeKeyPairFiles(files, made, files.replace);
  printer.out(`Private key written to ${files.key}\nPublic key written to ${files.pub}\n`);
  printer.err(`${made.key.type}: sign with --key ${files.key}, verify with --key ${files.pub}\n`);
}
