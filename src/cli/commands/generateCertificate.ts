import { CERTIFICATE_KEY_TYPES, type CertificateKeyType, certificateSubject, makeSigningCertificate, notationSubject, writeNewFile } from '../../oci/signatures';
import { boolOpt, type Command, stringOpt, UsageError } from '../command';
import { mayReplace } from './keyPair';

/** notation's rule for the name (truststore.IsValidFileName): it names the files and the trust store `ca/NAME`. */
const NAME = /^[a-zA-Z0-9_.-]+$/;
const DEFAULT_DAYS = 365;

// A command of its own, not `certificate generate-test`: what it makes is meant for signing, not tests only, and it
// sits beside generate-key-pair (cosign's). NAME as notation takes it (CN=NAME, NAME.key, NAME.crt, store ca/NAME).
export const generateCertificate: Command = {
  path: 'generate-certificate',
  summary: 'Make a Notary signing key and its self-signed certificate, as notation cert generate-test does: NAME.key and NAME.crt',
  usage: 'generate-certificate NAME [--key-type TYPE] [--subject DN] [--days N] [--output-prefix PREFIX] [--force]',
  examples: [
    "manifold generate-certificate wabbit-networks.io   # wabbit-networks.io.key and .crt: RSA 2048, C=US, ST=WA, L=Seattle, O=Notary, CN=wabbit-networks.io, as notation's",
    "manifold generate-certificate release --key-type ecdsa-p384 --subject 'CN=release, O=Example, ST=WA, C=US' --days 730",
  ],
  minArgs: 1,
  maxArgs: 1,
  localFiles: true,
  options: {
    'key-type': { type: 'string', description: `the kind of key: ${CERTIFICATE_KEY_TYPES.join(', ')} (default rsa-2048, as notation makes)`, valueName: 'TYPE' },
    subject: { type: 'string', description: "the certificate's subject, as notation's trusted identities write it (with a CN); default C=US, ST=WA, L=Seattle, O=Notary, CN=NAME, as notation's", valueName: 'DN' },
    days: { type: 'string', description: `how long it is valid, from now (default ${DEFAULT_DAYS}; notation's test certificate lasts 1)`, valueName: 'N' },
    'output-prefix': { type: 'string', description: 'write PREFIX.key and PREFIX.crt (default: NAME), as notation names them', valueName: 'PREFIX' },
    force: { type: 'boolean', description: 'replace PREFIX.key and PREFIX.crt if they exist (else asked at a terminal, refused elsewhere)' },
  },
  async run(p, printer) {
    const name = p.positionals[0]!;
    if (!NAME.test(name)) throw new UsageError(`${JSON.stringify(name)}: a name of letters, digits, '_', '.' and '-' only, as notation asks (it names the files and the trust store ca/NAME)`);
    const keyType = stringOpt(p, 'key-type') ?? 'rsa-2048';
    if (!(CERTIFICATE_KEY_TYPES as readonly string[]).includes(keyType)) throw new UsageError(`--key-type ${keyType}: one of ${CERTIFICATE_KEY_TYPES.join(', ')} (the Notary Project's keys)`);
    const daysText = stringOpt(p, 'days') ?? String(DEFAULT_DAYS);
    if (!/^\d+$/.test(daysText) || Number(daysText) < 1) throw new UsageError(`--days ${daysText}: a whole number of days, at least 1`);
    const subject = certificateSubject(stringOpt(p, 'subject') ?? notationSubject(name));
    const prefix = stringOpt(p, 'output-prefix') ?? name;
    if (prefix === '' || prefix.endsWith('/')) throw new UsageError(`--output-prefix "${prefix}": a file name prefix, not a folder`);
    const files = { key: `${prefix}.key`, crt: `${prefix}.crt` };
    const replace = await mayReplace([files.key, files.crt], boolOpt(p, 'force'), '--output-prefix');

    const made = makeSigningCertificate({ keyType: keyType as CertificateKeyType, subject, days: Number(daysText) });
    await writeNewFile(files.key, made.keyPem, 0o600, replace);
    await writeNewFile(files.crt, made.certificatePem, 0o644, replace);
    printer.out(`Private key written to ${files.key}\nCertificate written to ${files.crt}\n`);

    const c = made.certificate;
    const identity = ['C', 'ST', 'O'].every((t) => subject.has(t)) ? ` --notary-identity ${sh(`x509.subject: ${made.subject}`)}` : '';
    printer.err(
      `${keyType}, self-signed for code signing: ${made.subject}, valid until ${c.fields.notAfter.toISOString().replace('.000Z', 'Z')}, SHA-256 ${c.x509.fingerprint256}\n` +
        `sign:   manifold sign --notary-key ${sh(files.key)} --notary-certificate ${sh(files.crt)} --oci-layout DIR:TAG\n` +
        `verify: manifold verify --notary-roots ${sh(files.crt)}${identity} --oci-layout DIR:TAG\n` +
        `or trust it as notation cert generate-test does: ${files.crt} in truststore/x509/ca/${name}/, the trust policy's trustStores ["ca:${name}"]\n`,
    );
  },
};

/** `text` as a shell reads it back: bare when it holds nothing special, else single-quoted. */
function sh(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
