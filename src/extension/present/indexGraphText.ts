// One index as readable text, for "Compare Index With...": the two sides of a diff editor. Both sides have the
// same shape (the same lines in the same order, platforms sorted by key, "(none)" for what is absent), so the diff
// editor pairs a platform with the same platform and highlights only the values that changed.
import * as l10n from '@vscode/l10n';
import type { IndexGraph, IndexGraphChild } from '../../oci/imageIndex/diff';
import { formatSize } from './format';

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

export function renderIndexGraph(graph: IndexGraph): string {
  const none = l10n.t('(none)');
  const rows = (pairs: [string, string][], indent: string): string[] => {
    const width = Math.max(...pairs.map(([k]) => k.length));
    return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`.trimEnd());
  };
  const list = (values: string[]): string => (values.length ? values.join(', ') : none);
  const lines = rows(
    [
      [l10n.t('Index'), graph.reference],
      [l10n.t('Digest'), graph.digest],
      [l10n.t('Platforms'), String(graph.children.length)],
      [l10n.t('Referrers'), list(graph.referrers)],
    ],
    '',
  );
  lines.push('', l10n.t('Annotations'));
  const keys = Object.keys(graph.annotations).sort(compare);
  if (keys.length === 0) lines.push(`  ${none}`);
  for (const key of keys) lines.push(`  ${key}: ${graph.annotations[key]}`);
  for (const child of [...graph.children].sort((a, b) => compare(a.key, b.key))) {
    lines.push('', child.key, ...rows(childRows(child, none, list), '  '));
  }
  return `${lines.join('\n')}\n`;
}

function childRows(c: IndexGraphChild, none: string, list: (values: string[]) => string): [string, string][] {
  const out: [string, string][] = [
    [l10n.t('digest'), c.digest],
    [l10n.t('media type'), c.mediaType],
  ];
  if (c.image) {
    out.push(
      [l10n.t('created'), c.image.created ?? none],
      [l10n.t('layers'), String(c.image.layers)],
      [l10n.t('layer size'), l10n.t('{0} ({1} bytes)', formatSize(c.image.size), c.image.size)],
    );
  } else {
    out.push([l10n.t('manifest size'), l10n.t('{0} bytes', c.size)]);
  }
  out.push([l10n.t('referrers'), list(c.referrers)]);
  return out;
}
