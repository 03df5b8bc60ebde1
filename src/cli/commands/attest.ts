// fs.promises, not node:fs/promises: loaded on first use (cliStartup.test.ts keeps the CLI's start light).
import { promises as fsp } from 'node:fs';
import { attestManifest, attestManifestBundle, PREDICATE_TYPES, predicateOf, predicateTypeOf } from '../../oci/attestations';
import { OciError } from '../../oci/errors';
import { checkedSubjects } from '../../oci/referrers';
import { SIGSTORE_BUNDLE_MEDIA_TYPE } from '../../oci/signatures';
import { boolOpt, type Command, LAYOUT_OPTION, stringOpt, UsageError } from '../command';
import { subjectFlags } from '../certificateFlags';
import { openTarget, requireReference } from '../targets';
import { COSIGN_KEY_OPTIONS, openCosignKey } from './sign';

/** cosign's short names of predicate types, as the flags' help lists them. */
export const TYPES = Object.keys(PREDICATE_TYPES).join('|');

export const attest: Command = {
  path: 'attest',
  summary: "Attest an image with a cosign private key: an in-toto statement in a DSSE envelope (cosign's sha256-<hex>.att tag; or cosign 3's Sigstore bundle)",
  usage: 'attest --key FILE --predicate FILE --type TYPE [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold attest --key cosign.key --passphrase-file pass.txt --predicate sbom.spdx.json --type spdxjson --plain-http localhost:5000/app:v1',
    'manifold attest --key cosign.key --passphrase-file pass.txt --predicate provenance.json --type slsaprovenance --recursive --plain-http localhost:5000/app:v1   # the index and every platform',
    'manifold attest --key cosign.key --passphrase-file pass.txt --predicate scan.json --type vuln --subject-name=registry.example.com/app --oci-layout layout:v1',
    'manifold attest --key cosign.key --passphrase-file pass.txt --predicate sbom.spdx.json --type spdxjson --new-bundle-format --plain-http localhost:5000/app:v1   # cosign 3\'s default: a Sigstore bundle referrer',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    ...COSIGN_KEY_OPTIONS,
    predicate: { type: 'string', description: 'the file the statement carries as its predicate (an SBOM, a provenance, a scan)', valueName: 'FILE' },
    type: { type: 'string', description: `the predicate type: ${TYPES}, or a URI (cosign's names)`, valueName: 'TYPE' },
    'subject-name': { type: 'string', description: "the name the statement's subject gives the image; by default the registry repository (required for a layout)", valueName: 'REPO' },
    platform: { type: 'string', description: 'attest the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    recursive: { type: 'boolean', short: 'r', description: 'for an index: attest the index and every manifest below it' },
    'new-bundle-format': { type: 'boolean', description: "write cosign 3's default format instead: the envelope in a Sigstore bundle, an OCI 1.1 referrer" },
  },
  async run(p, printer) {
    const keyFile = stringOpt(p, 'key');
    if (keyFile === undefined) throw new UsageError("--key FILE is required: cosign's private key (cosign.key)");
    const predicateFile = stringOpt(p, 'predicate');
    if (predicateFile === undefined) throw new UsageError('--predicate FILE is required: what the attestation states');
    const type = stringOpt(p, 'type');
    if (type === undefined) throw new UsageError(`--type TYPE is required: ${TYPES}, or a URI`);
    predicateTypeOf(type); // a type that is none is refused before the key is opened
    const which = subjectFlags(p); // usage errors before any file is read
    const predicate = await readPredicate(predicateFile);
    const source = `--predicate ${predicateFile}`;
    predicateOf(type, predicate, source); // a predicate that is none is refused before the key is opened
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw, { write: true });
    const reference = requireReference(t, raw);
    const name = stringOpt(p, 'subject-name') ?? (t.kind === 'oci-layout' ? undefined : t.path);
    if (name === undefined) throw new UsageError('--subject-name REPO is required for a layout: the registry repository the image will be pulled from');
    const key = await openCosignKey(keyFile, stringOpt(p, 'passphrase-file'));
    // What verify would check, as it would check it: the reference, a platform's manifest, or everything below an index.
    const subjects = (await checkedSubjects(t.target, reference, which)).subjects.map((s) => s.desc);
    for (const subject of subjects) {
      if (boolOpt(p, 'new-bundle-format')) {
        const r = await attestManifestBundle(t.target, subject, key, type, predicate, name, { source });
        printer.out(`Attested ${t.path}@${subject.digest} (${r.predicateType}) with ${keyFile} (${key.type}): Sigstore bundle ${t.path}@${r.manifest.digest} (${SIGSTORE_BUNDLE_MEDIA_TYPE} referrer)\n`);
        continue;
      }
      const r = await attestManifest(t.target, subject, key, type, predicate, name, { source });
      const n = `${r.attestations} attestation${r.attestations === 1 ? '' : 's'}`;
      printer.out(`Attested ${t.path}@${subject.digest} (${r.predicateType}) with ${keyFile} (${key.type}): ${t.display(r.tag)} (${n})\n`);
    }
  },
};

async function readPredicate(file: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `--predicate ${file}: ${(err as Error).message}`, { cause: err });
  }
}
