import type { Printer } from './printer';
import type { OpenedTarget } from './targets';

/**
 * Notes what each of `tags` names in a layout before a command writes, and returns the step that, after it,
 * says on stderr which tags now name something else: `moved v2 from sha256:... to sha256:...`. The command
 * still moves them, as oras does, and its own output lines (stdout) stay oras's; the manifest a tag left
 * stays listed untagged in index.json. Registries are not asked (a tag moving there is oras's business).
 */
export async function tagMoveReporter(t: OpenedTarget, tags: readonly string[], printer: Printer): Promise<() => Promise<void>> {
  if (t.kind !== 'oci-layout' || (t.target as { readOnly?: boolean }).readOnly) return async () => undefined;
  const digestOf = (tag: string): Promise<string | undefined> => t.target.resolve(tag).then((d) => d.digest, () => undefined);
  const before = new Map<string, string>();
  for (const tag of new Set(tags)) {
    const digest = await digestOf(tag);
    if (digest) before.set(tag, digest);
  }
  return async () => {
    for (const [tag, old] of before) {
      const now = await digestOf(tag);
      if (now && now !== old) printer.err(movedLine(tag, old, now));
    }
  };
}

/** What stderr says of a tag that now names something else. */
export function movedLine(tag: string, from: string, to: string): string {
  return `moved ${tag} from ${from} to ${to}\n`;
}
