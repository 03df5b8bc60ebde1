// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { readStdin } from '../stdin';
import { OciError } from '../../oci/errors';
import { checkedSubjects } from '../../oci/referrers';
import { CANNOT_DECRYPT, decryptCosignKey, loadNotarySigner, NOTARY_SIGNATURE_ARTIFACT_TYPE, signManifest, signManifestBundle, signManifestNotary, type SignKey, SIGSTORE_BUNDLE_MEDIA_TYPE } from '../../oci/signatures';
import { parseAnnotations } from '../../oci/imageIndex/annotations';
import { boolOpt, type Command, LAYOUT_OPTION, listOpt, type OptionSpec, type ParsedCommand, stringOpt, UsageError } from '../command';
import type { Printer } from '../printer';
import { parseDuration } from './prune';
import { subjectFlags } from '../certificateFlags';
import { promptHidden } from '../passphrasePrompt';
import { openTarget, type OpenedTarget, requireReference } from '../targets';

/** Where cosign takes a key's passphrase from when no file is given. */
export const PASSPHRASE_ENV = 'COSIGN_PASSWORD';

/** cosign's private key and its passphrase, as sign, attest, sign-blob and attest-blob take them. */
export const COSIGN_KEY_OPTIONS: Record<string, OptionSpec> = {
  key: { type: 'string', description: "cosign's encrypted private key (cosign.key: ENCRYPTED SIGSTORE PRIVATE KEY)", valueName: 'FILE' },
  'passphrase-file': { type: 'string', description: `a file holding the key's passphrase (its first line); else $${PASSPHRASE_ENV}; else asked at the terminal`, valueName: 'FILE' },
};

export const sign: Command = {
  path: 'sign',
  summary: "Sign an image with a cosign private key (cosign's format: the sha256-<hex>.sig tag; or cosign 3's Sigstore bundle), or as notation signs (a Notary Project signature)",
  usage: 'sign {--key FILE | --notary-key FILE --notary-certificate FILE} [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold sign --key cosign.key --passphrase-file pass.txt --plain-http localhost:5000/app:v1',
    'manifold sign --key cosign.key --passphrase-file pass.txt --recursive --plain-http localhost:5000/app:v1   # the index and every platform',
    'manifold sign --key cosign.key --passphrase-file pass.txt --identity=registry.example.com/app:v1 --oci-layout layout:v1',
    'manifold sign --key cosign.key --passphrase-file pass.txt --new-bundle-format --plain-http localhost:5000/app:v1   # cosign 3\'s default: a Sigstore bundle referrer',
    'manifold sign --notary-key signer.key --notary-certificate signer.crt --recursive --oci-layout layout:v1   # as notation sign: a Notary Project signature referrer (JWS)',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    ...COSIGN_KEY_OPTIONS,
    identity: { type: 'string', description: 'the docker reference the signature names; by default the registry reference given (required for a layout)', valueName: 'REF' },
    platform: { type: 'string', description: 'sign the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    recursive: { type: 'boolean', short: 'r', description: 'for an index: sign the index and every manifest below it' },
    'new-bundle-format': { type: 'boolean', description: "write cosign 3's default format instead: a Sigstore bundle (DSSE, predicate type sign/v1), an OCI 1.1 referrer" },
    'notary-key': { type: 'string', description: "sign as notation does instead: its private key (PEM, unencrypted: notation's local key), with --notary-certificate", valueName: 'FILE' },
    'notary-certificate': { type: 'string', description: "the key's certificate chain (PEM, leaf first), carried in the envelope, checked by verify against its Notary roots", valueName: 'FILE' },
    expiry: { type: 'string', description: 'with --notary-key: how long the signature stays valid (io.cncf.notary.expiry), as notation --expiry: 90s, 10m, 720h', valueName: 'DURATION' },
    'signature-format': { type: 'string', description: "with --notary-key: the envelope, jws (default, as notation's) or cose", valueName: 'FORMAT' },
    annotation: {
      type: 'string',
      short: 'a',
      multiple: true,
      description: "an annotation signed with the image, as cosign sign -a (the payload's optional; a bundle's statement subject) or, with --notary-key, notation's user metadata (the payload's targetArtifact)",
      valueName: 'KEY=VALUE',
    },
  },
  async run(p, printer) {
    if (stringOpt(p, 'notary-key') !== undefined || stringOpt(p, 'notary-certificate') !== undefined) return signNotary(p, printer);
    for (const flag of ['expiry', 'signature-format']) {
      if (stringOpt(p, flag) !== undefined) throw new UsageError(`--${flag} is for Notary signatures: give --notary-key and --notary-certificate`);
    }
    const keyFile = stringOpt(p, 'key');
    if (keyFile === undefined) throw new UsageError("--key FILE is required: cosign's private key (cosign.key); or --notary-key FILE and --notary-certificate FILE to sign as notation does");
    const which = subjectFlags(p); // usage errors before any file is read
    const bundle = boolOpt(p, 'new-bundle-format');
    // cosign 3's sign/v1 statement names the digest only: no reference to sign under.
    if (bundle && stringOpt(p, 'identity') !== undefined) throw new UsageError('--identity and --new-bundle-format: a Sigstore bundle names no reference (its statement names the digest only)');
    const annotations = parseAnnotations(listOpt(p, 'annotation'));
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw, { write: true });
    const reference = requireReference(t, raw);
    const identity = bundle ? '' : (stringOpt(p, 'identity') ?? defaultIdentity(t));
    const key = await openCosignKey(keyFile, stringOpt(p, 'passphrase-file'));
    // What verify would check, as it would check it: the reference, a platform's manifest, or everything below an index.
    const subjects = (await checkedSubjects(t.target, reference, which)).subjects.map((s) => s.desc);
    for (const subject of subjects) {
      if (bundle) {
        const r = await signManifestBundle(t.target, subject, key, { annotations });
        printer.out(`Signed ${t.path}@${subject.digest} with ${keyFile} (${key.type}): Sigstore bundle ${t.path}@${r.manifest.digest} (${SIGSTORE_BUNDLE_MEDIA_TYPE} referrer)\n`);
        continue;
      }
      const r = await signManifest(t.target, subject, key, identity, { annotations });
      printer.out(`Signed ${t.path}@${subject.digest} as ${identity} with ${keyFile} (${key.type}): ${t.display(r.tag)} (${r.signatures} signature${r.signatures === 1 ? '' : 's'})\n`);
    }
  },
};

/**
 * `sign --notary-key K --notary-certificate C`: each subject signed as `notation sign` signs (JWS, notary.x509), a
 * Notary signature referrer of it. cosign's flags do not mix in: a Notary envelope names the descriptor only.
 */
async function signNotary(p: ParsedCommand, printer: Printer): Promise<void> {
  const keyFile = stringOpt(p, 'notary-key');
  const chainFile = stringOpt(p, 'notary-certificate');
  if (keyFile === undefined || chainFile === undefined) throw new UsageError('--notary-key FILE and --notary-certificate FILE go together: the private key and its certificate chain (leaf first)');
  for (const flag of ['key', 'passphrase-file', 'identity', 'new-bundle-format']) {
    if (p.values[flag] !== undefined) throw new UsageError(`--${flag} and --notary-key: give one (cosign's signature, or the Notary Project's)`);
  }
  const format = stringOpt(p, 'signature-format') ?? 'jws';
  if (format !== 'jws' && format !== 'cose') throw new UsageError(`--signature-format ${JSON.stringify(format)}: jws or cose`);
  const expiry = stringOpt(p, 'expiry');
  const expiresIn = expiry !== undefined ? parseDuration(expiry, '--expiry') : undefined;
  const which = subjectFlags(p);
  const annotations = parseAnnotations(listOpt(p, 'annotation'));
  const raw = p.positionals[0]!;
  const t = await openTarget(p, raw, { write: true });
  const reference = requireReference(t, raw);
  const signer = loadNotarySigner(keyFile, Buffer.from(await readText(keyFile, '--notary-key')), chainFile, Buffer.from(await readText(chainFile, '--notary-certificate')));
  const subjects = (await checkedSubjects(t.target, reference, which)).subjects.map((s) => s.desc);
  const who = signer.chain[0]!.x509.subject.replace(/\n/g, ', ');
  for (const subject of subjects) {
    const r = await signManifestNotary(t.target, subject, signer, { expiresIn, format, annotations });
    printer.out(`Signed ${t.path}@${subject.digest} with ${keyFile} (${signer.alg}, ${who}): Notary signature ${t.path}@${r.manifest.digest} (${NOTARY_SIGNATURE_ARTIFACT_TYPE} referrer, ${format.toUpperCase()})\n`);
  }
}

/** A registry reference without its digest (cosign's docker-reference); a layout has no name to sign under. */
function defaultIdentity(t: OpenedTarget): string {
  if (t.kind === 'oci-layout') throw new UsageError('--identity REF is required for a layout: the registry reference the image will be pulled by');
  const tag = t.reference && !t.reference.includes(':') ? `:${t.reference}` : '';
  return `${t.path}${tag}`;
}

export async function readText(file: string, flag: string): Promise<string> {
  return (await readBytes(file, flag)).toString('utf8');
}

/** A file a flag names (or what it is: `the file`), its error led by both. */
export async function readBytes(file: string, flag: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${flag} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The file a blob command signs or verifies: FILE, or standard input for `-` (as cosign's sign-blob and verify-blob take it). */
export async function readSubjectFile(file: string): Promise<Buffer> {
  return file === '-' ? readStdin() : readBytes(file, 'the file');
}

/** `-` said as what it is. */
export const shownSubject = (file: string): string => (file === '-' ? 'standard input' : file);

/** The passphrase given without asking: the file's first line (its line ending is no part of it), else cosign's variable. */
export async function givenPassphrase(file: string | undefined): Promise<string | undefined> {
  if (file !== undefined) return (await readText(file, '--passphrase-file')).split(/\r?\n/)[0]!;
  return process.env[PASSPHRASE_ENV];
}

/**
 * cosign.key opened with the passphrase given (passphrase()): a passphrase that opens nothing is said with where it
 * came from, the file a stray line or a byte order mark may have changed.
 */
export async function openCosignKey(keyFile: string, passphraseFile: string | undefined): Promise<SignKey> {
  const pem = await readText(keyFile, '--key');
  const given = await passphrase(passphraseFile);
  try {
    return decryptCosignKey(keyFile, pem, given);
  } catch (err) {
    if (passphraseFile === undefined || !(err instanceof OciError) || !err.message.endsWith(CANNOT_DECRYPT)) throw err;
    const bom = given.startsWith('\ufeff') ? ', which starts with a byte order mark (U+FEFF)' : '';
    throw new OciError('INVALID_ARGUMENT', `${err.message} (the passphrase: the first line of --passphrase-file ${passphraseFile}${bom})`, { cause: err });
  }
}

/**
 * As skopeo's --sign-passphrase-file: the file's first line (its line ending is no part of it); else cosign's
 * variable; else, at a terminal, asked as cosign asks (not echoed). Elsewhere (a pipe: cosign would read it) refused.
 */
export async function passphrase(file: string | undefined): Promise<string> {
  const given = await givenPassphrase(file);
  if (given !== undefined) return given;
  if (process.stdin.isTTY) return promptHidden('Enter password for private key: ');
  throw new UsageError(`no passphrase: give --passphrase-file FILE or set ${PASSPHRASE_ENV} (standard input is not a terminal, so there is no one to ask)`);
}
