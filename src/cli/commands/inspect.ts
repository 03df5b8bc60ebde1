import { inspectImage, inspectText } from '../../oci/signatures';
import { type Command, formatOpt, LAYOUT_OPTION } from '../command';
import { subjectFlags } from '../certificateFlags';
import { inspectJson } from '../inspectOutput';
import { otherKindWarning } from '../otherKind';
import { formatJson } from '../printer';
import { openTarget, referenceOrSaved } from '../targets';

export const inspect: Command = {
  path: 'inspect',
  summary: 'Show every signature (cosign, Sigstore bundle, Notary) and attestation (cosign .att, Sigstore bundle) of an image as it reads: formats, claims, statements, certificates, log entries; nothing trusted or verified',
  usage: 'inspect [--recursive|--platform PLATFORM] [--format text|json] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold inspect --oci-layout layout:v1',
    'manifold inspect --oci-layout layout:v1 --recursive --format json   # the index and every manifest below it',
    'manifold inspect --plain-http localhost:5000/app:v1 --platform linux/arm64',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    platform: { type: 'string', description: 'inspect the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    recursive: { type: 'boolean', short: 'r', description: 'for an index: the index and every manifest below it' },
    format: { type: 'string', description: 'output format: text (default) or json', valueName: 'FORMAT' },
  },
  async run(p, printer) {
    const format = formatOpt(p);
    const subjects = subjectFlags(p);
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const report = await inspectImage(t.target, await referenceOrSaved(t, raw, (text) => printer.err(text)), subjects);
    if (report.listedAs) printer.err(otherKindWarning(t.display(), report.listedAs, report.root.mediaType));
    printer.out(format === 'json' ? formatJson(inspectJson(t.path, report)) : inspectText(t.path, report));
    return 0;
  },
};
