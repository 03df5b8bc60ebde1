import { blobDigest, makeMessageBundle, writeNewFile } from '../../oci/signatures';
import { type Command, stringOpt, UsageError } from '../command';
import { NOTARY_BLOB_SIGN_OPTIONS, notaryBlobSignAsked } from '../notaryBlobFlags';
import { COSIGN_KEY_OPTIONS, openCosignKey, readSubjectFile, shownSubject } from './sign';
import { signBlobNotary } from './signBlobNotary';

export const signBlob: Command = {
  path: 'sign-blob',
  summary: "Sign a file with a cosign private key, as cosign sign-blob does: a Sigstore bundle (--bundle) and/or the classic base64 signature (--output-signature); or with --notary-key as notation blob sign does (FILE.jws.sig); nothing is uploaded",
  usage: 'sign-blob {--key FILE {--bundle OUT | --output-signature OUT} [--passphrase-file FILE] | --notary-key FILE --notary-certificate FILE [--signature-format jws|cose] [--signature-directory DIR]} FILE (- for stdin, with --key)',
  examples: [
    'manifold sign-blob --key cosign.key --passphrase-file pass.txt --bundle release.sigstore.json release.tar.gz   # as cosign sign-blob --new-bundle-format --tlog-upload=false',
    'manifold sign-blob --key cosign.key --passphrase-file pass.txt --output-signature release.sig release.tar.gz   # the classic form: base64 of the signature',
    'manifold sign-blob --notary-key signer.key --notary-certificate signer.crt --signature-directory sigs release.tar.gz   # as notation blob sign: sigs/release.tar.gz.jws.sig',
  ],
  minArgs: 1,
  maxArgs: 1,
  localFiles: true,
  options: {
    ...COSIGN_KEY_OPTIONS,
    bundle: { type: 'string', description: 'write a Sigstore bundle v0.3 here: a message signature over the file, the key named by its hint, no tlog entry', valueName: 'OUT' },
    'output-signature': { type: 'string', description: "write the signature here, base64 (cosign's classic blob signature, what verify-blob reads with its signature flag)", valueName: 'OUT' },
    ...NOTARY_BLOB_SIGN_OPTIONS,
  },
  async run(p, printer) {
    if (notaryBlobSignAsked(p)) return signBlobNotary(p, printer);
    const keyFile = stringOpt(p, 'key');
    if (keyFile === undefined) throw new UsageError("--key FILE is required: cosign's private key (cosign.key)");
    const bundleFile = stringOpt(p, 'bundle');
    const sigFile = stringOpt(p, 'output-signature');
    if (bundleFile === undefined && sigFile === undefined) throw new UsageError('--bundle OUT or --output-signature OUT is required: where to write the signature');
    // Written whole, replacing what is there, as cosign writes them.
    const replace = true;
    const file = p.positionals[0]!;
    const blob = await readSubjectFile(file);
    const key = await openCosignKey(keyFile, stringOpt(p, 'passphrase-file'));
    const digest = blobDigest(blob);
    if (bundleFile !== undefined) {
      await writeNewFile(bundleFile, makeMessageBundle(blob, key).toString('utf8'), 0o644, replace);
      printer.out(`Signed ${shownSubject(file)} (${digest}) with ${keyFile} (${key.type}): Sigstore bundle ${bundleFile}\n`);
    }
    if (sigFile !== undefined) {
      await writeNewFile(sigFile, key.sign(blob).toString('base64'), 0o644, replace);
      printer.out(`Signed ${shownSubject(file)} (${digest}) with ${keyFile} (${key.type}): signature ${sigFile}\n`);
    }
  },
};
