import { statSync } from 'node:fs';
import { importLayout, type LayoutImportResult } from '../../oci/copy';
import { OciError } from '../../oci/errors';
import { OciLayoutStore } from '../../oci/layout';
import { exportLayoutTar } from '../../oci/layout/tarExport';
import { shownName } from '../../oci/shownName';
import { type Command, formatOpt, FORMAT_OPTION, stringOpt } from '../command';
import { parsePlatformPatterns } from '../../oci/platformPattern';
import { onlyOption, onlyOptions, referrersLeftJson, referrersLeftText } from '../onlyOption';
import { formatJson } from '../printer';
import { abortOnSigint } from '../sigint';
import { movedLine } from '../tagMoves';

export const layoutExport: Command = {
  path: 'layout export',
  summary: 'Write a whole layout folder (every tag) as a deterministic layout tar, for air-gapped transfer; --docker also for docker load',
  usage: 'layout export [flags] DIR OUT.tar',
  examples: [
    'manifold layout export layout transfer.tar',
    '# an earlier layout tar under the name is replaced; any other file is kept, and the export refused',
    'manifold layout export layout layout.tar --format json',
    '# also a docker save manifest.json: docker load (any version) and skopeo docker-archive: read it, each tag as team/app:TAG',
    'manifold layout export layout app.tar --docker team/app --platform linux/amd64',
  ],
  minArgs: 2,
  maxArgs: 2,
  options: {
    docker: { type: 'string', description: 'also write a docker save manifest.json (as Docker 25 does), each tag as REPOSITORY:TAG, so docker load of any version reads the tar', valueName: 'REPOSITORY' },
    platform: { type: 'string', description: 'with --docker: the platform of each tagged index that goes into manifest.json (one image per tag)', valueName: 'PLATFORM' },
    ...FORMAT_OPTION,
  },
  async run(p, printer) {
    const format = formatOpt(p);
    const [dir, file] = p.positionals as [string, string];
    const repository = stringOpt(p, 'docker');
    const platform = stringOpt(p, 'platform');
    if (platform !== undefined && repository === undefined) throw new OciError('INVALID_ARGUMENT', '--platform picks the image of an index for --docker; without --docker every platform goes into the tar');
    const docker = repository === undefined ? undefined : { repository, platforms: platform === undefined ? undefined : parsePlatformPatterns([platform]) };
    // Verified as it streams, into a temp file renamed over OUT.tar: what is under the name is whole, or as it was.
    const result = await abortOnSigint((signal) => exportLayoutTar(dir, file, { signal, docker }));
    for (const s of result.docker?.skipped ?? []) printer.err(`Not in manifest.json: ${shownName(s.tag)}, ${s.why}\n`);
    if (format === 'json') printer.out(formatJson({ layout: dir, file, size: result.size, digest: result.digest, ...(result.docker ? { docker: result.docker } : {}) }));
    else printer.out(`Wrote ${file} (${result.size} bytes, ${result.digest})\n`);
  },
};

export const layoutImport: Command = {
  path: 'layout import',
  summary: 'Copy every tag of a layout tar (or a docker save tar), with its referrers, into a layout folder (made if missing)',
  usage: 'layout import [flags] IN.tar DIR',
  examples: [
    'manifold layout import transfer.tar imported',
    '# into a layout that has some of it already: a tag naming something else there moves (said on stderr)',
    'manifold layout import transfer.tar layout --format json',
    '# with only the signatures among the referrers (what is left is said)',
    'manifold layout import transfer.tar signed --only signature',
  ],
  minArgs: 2,
  maxArgs: 2,
  options: { ...onlyOptions(), ...FORMAT_OPTION },
  async run(p, printer) {
    const format = formatOpt(p);
    const [file, dir] = p.positionals as [string, string];
    const { only } = await onlyOption(p, true, '');
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new OciError('INVALID_ARGUMENT', `${file}: a folder; layout import reads a layout tar (cp --from-oci-layout --to-oci-layout copies between folders)`);
    }
    const src = await OciLayoutStore.openTar(file);
    const dst = await OciLayoutStore.open(dir, { create: true });
    const result = await abortOnSigint((signal) => importLayout(src, dst, { signal, ...(only ? { only } : {}) }));
    printer.out(format === 'json' ? formatJson({ archive: file, layout: dir, ...result, referrersLeft: referrersLeftJson(result.referrersLeft) }) : importText(result));
    // As tag and cp say it: stdout keeps its lines, stderr names each tag that now names something else.
    for (const m of result.moved) printer.err(movedLine(m.tag, m.from, m.to));
  },
};

function importText(r: LayoutImportResult): string {
  const lines = Object.entries(r.tags).map(([tag, digest]) => `Imported ${shownName(tag)} ${digest}`);
  if (lines.length === 0) lines.push('No tags in the archive: nothing imported');
  lines.push(`Referrers: ${r.referrers.length}`);
  const byOnly = referrersLeftText(r.referrersLeft);
  if (byOnly) lines.push(byOnly.trimEnd());
  for (const d of r.leftOut) lines.push(`Left out ${d}: untagged in the archive and no referrer of what was imported (tag it there to import it)`);
  return lines.join('\n') + '\n';
}
