import { isDigest } from '../../oci/digest';
import { isOciError, OciError } from '../../oci/errors';
import { checkTag } from '../../oci/reference';
import { inOrder } from '../../oci/inOrder';
import { type Command, concurrencyOpt, LAYOUT_OPTION, UsageError } from '../command';
import { openTarget, requireReference } from '../targets';
import { tagMoveReporter } from '../tagMoves';

export const tag: Command = {
  path: 'tag',
  summary: 'Give a manifest more tags',
  usage: 'tag [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest} TAG...',
  examples: ['manifold tag --oci-layout layout:v1 v1.0 latest', 'manifold tag --plain-http localhost:5000/app:v1 v1.0', 'manifold tag --plain-http --concurrency 1 localhost:5000/app:v1 v1.0.1 stable'],
  minArgs: 2,
  options: {
    ...LAYOUT_OPTION,
    concurrency: { type: 'string', description: 'tags set at a time (default 5, as oras); the Tagged lines keep the order given', valueName: 'N' },
  },
  async run(p, printer) {
    const [raw, ...tags] = p.positionals as [string, ...string[]];
    tags.forEach(checkTag);
    const atOnce = concurrencyOpt(p, 5);
    const t = await openTarget(p, raw, { write: true });
    const desc = await t.target.resolve(requireReference(t, raw));
    printer.out(`Tagging [${t.kind}] ${t.display(desc.digest)}\n`);
    const reportMoves = await tagMoveReporter(t, tags, printer);
    // A registry's tags are round trips (a manifest read, a PUT): a few at a time, as oras's TagN. Once one fails no
    // other starts, and the error is the first tag's in order that failed.
    await inOrder(tags, { atOnce, after: (_, name) => printer.out(`Tagged ${name}\n`) }, (name, signal) => t.target.tag(desc, name, { signal }));
    await reportMoves();
  },
};

export const untag: Command = {
  path: 'untag',
  summary: 'Remove tags; the manifests stay, reachable by digest',
  usage: 'untag [flags] --oci-layout DIR:tag [TAG...]',
  examples: ['manifold untag --oci-layout layout:old', 'manifold untag --oci-layout layout:a b c'],
  minArgs: 1,
  options: { ...LAYOUT_OPTION },
  async run(p, printer) {
    const [raw, ...more] = p.positionals as [string, ...string[]];
    const t = await openTarget(p, raw, { write: true });
    const first = requireReference(t, raw);
    if (isDigest(first)) throw new UsageError(`${raw}: untag takes a tag, not a digest (manifest delete removes a manifest)`);
    const names = [first, ...more].map(checkTag);
    // Every tag is looked up before any is removed: a misspelt one refuses the command rather than leaving it half done.
    const missing: string[] = [];
    // A registry cannot untag at all: its own refusal comes first, before any request.
    for (const name of t.kind === 'oci-layout' ? names : []) {
      try {
        await t.target.resolve(name);
      } catch (err) {
        // Any other error (a damaged entry) still names an entry, which untag removes.
        if (isOciError(err, 'NOT_FOUND')) missing.push(name);
      }
    }
    if (missing.length > 0) throw new OciError('NOT_FOUND', `${missing.map((m) => JSON.stringify(m)).join(', ')}: not found in ${t.path}; nothing untagged`);
    for (const name of names) {
      await t.target.untag(name);
      printer.out(`Untagged ${name}\n`);
    }
  },
};
