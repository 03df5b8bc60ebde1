import { basename } from 'node:path';
import { predicateTypeOf } from '../../oci/attestations';
import { attestBlob as attest, blobDigest, writeNewFile } from '../../oci/signatures';
import { type Command, stringOpt, UsageError } from '../command';
import { TYPES } from './attest';
import { COSIGN_KEY_OPTIONS, openCosignKey, readBytes } from './sign';

export const attestBlob: Command = {
  path: 'attest-blob',
  summary: "Attest a file with a cosign private key, as cosign attest-blob does: an in-toto statement naming its SHA-256, signed in a DSSE envelope, written as a Sigstore bundle (--bundle) and/or the bare envelope (--output-signature); nothing is uploaded",
  usage: 'attest-blob --key FILE {--predicate FILE --type TYPE | --statement FILE} {--bundle OUT | --output-signature OUT} [--output-attestation OUT] [--hash HEX] [--passphrase-file FILE] FILE',
  examples: [
    'manifold attest-blob --key cosign.key --passphrase-file pass.txt --predicate sbom.spdx.json --type spdxjson --bundle release.att.sigstore.json release.tar.gz   # as cosign attest-blob --new-bundle-format --tlog-upload=false',
    'manifold attest-blob --key cosign.key --passphrase-file pass.txt --predicate provenance.json --type slsaprovenance --output-signature release.intoto.jsonl release.tar.gz   # the DSSE envelope alone, as cosign verify-blob-attestation --signature reads it',
  ],
  minArgs: 1,
  maxArgs: 1,
  localFiles: true,
  options: {
    ...COSIGN_KEY_OPTIONS,
    predicate: { type: 'string', description: 'the file the statement carries as its predicate (an SBOM, a provenance, a scan)', valueName: 'FILE' },
    type: { type: 'string', description: `the predicate type: ${TYPES}, or a URI (cosign's names)`, valueName: 'TYPE' },
    statement: { type: 'string', description: 'sign this in-toto statement as it is instead (it must name the file\'s SHA-256 among its subjects)', valueName: 'FILE' },
    hash: { type: 'string', description: "the file's SHA-256 in hex, when the file is not here to read (its name is still the subject's)", valueName: 'HEX' },
    bundle: { type: 'string', description: 'write a Sigstore bundle v0.3 here: the DSSE envelope, the key named by its hint, no tlog entry', valueName: 'OUT' },
    'output-signature': { type: 'string', description: "write the DSSE envelope here (JSON, as cosign's attest-blob writes it; what verify-blob reads as its signature)", valueName: 'OUT' },
    'output-attestation': { type: 'string', description: 'also write the in-toto statement signed here (JSON, unsigned: as cosign writes it)', valueName: 'OUT' },
  },
  async run(p, printer) {
    const keyFile = stringOpt(p, 'key');
    if (keyFile === undefined) throw new UsageError("--key FILE is required: cosign's private key (cosign.key)");
    const predicateFile = stringOpt(p, 'predicate');
    const statementFile = stringOpt(p, 'statement');
    const type = stringOpt(p, 'type');
    if ((predicateFile === undefined) === (statementFile === undefined)) throw new UsageError('give one of --predicate FILE (with --type TYPE) or --statement FILE: what the attestation states');
    if (predicateFile !== undefined && type === undefined) throw new UsageError(`--type TYPE is required with --predicate: ${TYPES}, or a URI`);
    if (statementFile !== undefined && type !== undefined) throw new UsageError('--type is for --predicate: a statement given names its own predicate type');
    if (type !== undefined) predicateTypeOf(type); // a type that is none is refused before the key is opened
    const outputs = { bundle: stringOpt(p, 'bundle'), envelope: stringOpt(p, 'output-signature'), statement: stringOpt(p, 'output-attestation') };
    if (outputs.bundle === undefined && outputs.envelope === undefined) throw new UsageError('--bundle OUT or --output-signature OUT is required: where to write the signed attestation');
    const hash = stringOpt(p, 'hash');
    if (hash !== undefined && !/^[0-9a-fA-F]{64}$/.test(hash)) throw new UsageError(`--hash ${JSON.stringify(hash)}: expected the file's SHA-256, 64 hex digits`);
    const file = p.positionals[0]!;
    if (file === '-') throw new UsageError('- (standard input): the statement names the file: give its path (with --hash, the path of one not here)');
    const digest = hash !== undefined ? `sha256:${hash.toLowerCase()}` : blobDigest(await readBytes(file, 'the file'));
    const claim = statementFile !== undefined ? { statement: await readBytes(statementFile, '--statement'), source: `--statement ${statementFile}` } : { type: type!, predicate: await readBytes(predicateFile!, '--predicate'), source: `--predicate ${predicateFile}` };
    const key = await openCosignKey(keyFile, stringOpt(p, 'passphrase-file'));
    const made = attest(basename(file), digest, key, claim);
    // Written whole, replacing what is there, as cosign writes them.
    const written: Array<[string | undefined, Buffer, string]> = [
      [outputs.bundle, made.bundle, 'Sigstore bundle'],
      [outputs.envelope, made.envelope, 'DSSE envelope'],
      [outputs.statement, made.statement, 'statement'],
    ];
    for (const [out, bytes, what] of written) {
      if (out === undefined) continue;
      await writeNewFile(out, bytes.toString('utf8'), 0o644, true);
      printer.out(`Attested ${file} (${digest}) as ${made.predicateType} with ${keyFile} (${key.type}): ${what} ${out}\n`);
    }
  },
};
