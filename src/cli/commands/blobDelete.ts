import { deleteBlob } from '../../oci/artifacts/blobs';
import { parseDigest } from '../../oci/digest';
import { isOciError } from '../../oci/errors';
import { boolOpt, type Command, LAYOUT_OPTION, UsageError } from '../command';
import { descriptorText } from '../descriptorOutput';
import { openTarget, requireReference } from '../targets';

export const blobDelete: Command = {
  path: 'blob delete',
  aliases: ['blob rm'],
  summary: 'Delete a blob (on a layout, only one that nothing in index.json reaches, unless --force)',
  usage: 'blob delete [flags] {REGISTRY/REPO|--oci-layout DIR}@digest',
  examples: ['manifold blob delete --oci-layout layout@sha256:... --force', 'manifold blob delete --plain-http localhost:5000/hello@sha256:... --force'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    force: { type: 'boolean', short: 'f', description: 'delete without asking; on a layout, also a blob that is in use; a missing blob is not an error' },
    descriptor: { type: 'boolean', description: 'print the descriptor of the blob deleted (needs --force)' },
    pretty: { type: 'boolean', description: 'indent the descriptor printed with --descriptor' },
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const force = boolOpt(p, 'force');
    if (boolOpt(p, 'descriptor') && !force) throw new UsageError('must apply --force to confirm the deletion if the descriptor is outputted');
    const t = await openTarget(p, raw, { write: true });
    const digest = requireReference(t, raw);
    try {
      parseDigest(digest);
    } catch {
      throw new UsageError(`${raw}: blob reference must be of the form <name@digest>`);
    }
    let desc;
    try {
      desc = await t.target.resolveBlob(digest);
    } catch (err) {
      if (isOciError(err, 'NOT_FOUND')) {
        if (force && !boolOpt(p, 'descriptor')) {
          printer.out(`Missing ${raw}\n`);
          return;
        }
        throw new UsageError(`${raw}: the specified blob does not exist`);
      }
      throw err;
    }
    if (!force) {
      if (!process.stdin.isTTY) throw new UsageError(`${raw}: confirm the deletion with --force (standard input is not a terminal, so there is no one to ask)`);
      const { createInterface } = require('node:readline/promises') as typeof import('node:readline/promises'); // only when asking
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(`Are you sure you want to delete the blob "${desc.digest}"? [y/N] `).finally(() => rl.close());
      if (!/^y(es)?$/i.test(answer.trim())) return;
    }
    await deleteBlob(t.target, desc, { force, where: raw });
    if (boolOpt(p, 'descriptor')) printer.out(descriptorText(desc, boolOpt(p, 'pretty')));
    else printer.out(`Deleted [${t.kind}] ${t.display(desc.digest)}\n`);
  },
};
