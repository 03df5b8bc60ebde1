// A parsed index.json as the store reads it: entries by tag and digest, and the shape of a change to it.
import { ANNOTATION_REF_NAME, type Descriptor, type ImageIndex } from '../descriptor';
import { damageOf, descriptorJson } from './indexFile';

export type IndexMutation = (index: ImageIndex, then: (after: () => Promise<void>) => void) => Promise<boolean>;

/** index.json with lookups by name (the last entry of a name wins, as when oras loads it) and by digest. */
export interface IndexView {
  /** As read, damaged entries included: what a rewrite starts from. */
  readonly index: ImageIndex;
  /** The entries that are not damaged: what reads see. */
  readonly good: Descriptor[];
  readonly byName: Map<string, Descriptor>;
  /** Names whose last entry is damaged: resolving them reports the damage rather than "not found". */
  readonly damagedNames: Set<string>;
  readonly byDigest: Map<string, Descriptor>;
  /** Names more than one entry has. */
  readonly namedTwice: Set<string>;
  /** The file's text, when this view was parsed from it. */
  readonly text?: string;
}

export function indexView(index: ImageIndex, text?: string): IndexView {
  // Each built on first use: a write is often the last thing a process does with the index, and
  // resolving tags needs no map by digest.
  let names: { byName: Map<string, Descriptor>; namedTwice: Set<string>; damagedNames: Set<string> } | undefined;
  let byDigest: Map<string, Descriptor> | undefined;
  let good: Descriptor[] | undefined;
  const buildNames = () => {
    if (names) return names;
    names = { byName: new Map(), namedTwice: new Set(), damagedNames: new Set() };
    const { byName, damagedNames, namedTwice } = names;
    // The last entry of a name wins, damaged or not. One map operation for the usual entry (10,000 of them in a
    // big layout): a name seen before is told by the map not growing.
    let saved: Descriptor[] | undefined;
    for (const d of index.manifests) {
      const name = nameOf(d);
      if (!name) {
        if (typeof d.annotations?.[COSIGN_KIND] === 'string' && !damageOf(d)) (saved ??= []).push(d);
        continue;
      }
      if (damageOf(d)) {
        if (byName.delete(name) || damagedNames.has(name)) namedTwice.add(name);
        damagedNames.add(name);
        continue;
      }
      const size = byName.size;
      byName.set(name, d);
      if (byName.size === size || (damagedNames.size > 0 && damagedNames.delete(name))) namedTwice.add(name);
    }
    if (saved) for (const [name, d] of cosignSavedNames(saved)) if (!byName.has(name) && !damagedNames.has(name)) byName.set(name, d);
    return names;
  };
  return {
    index,
    text,
    get good() {
      if (!good) good = index.manifests.some((d) => damageOf(d)) ? index.manifests.filter((d) => !damageOf(d)) : index.manifests;
      return good;
    },
    get damagedNames() {
      return buildNames().damagedNames;
    },
    get byName() {
      return buildNames().byName;
    },
    get namedTwice() {
      return buildNames().namedTwice;
    },
    get byDigest() {
      if (!byDigest) {
        byDigest = new Map();
        for (const d of index.manifests) if (!byDigest.has(d.digest) && !damageOf(d)) byDigest.set(d.digest, d);
      }
      return byDigest;
    },
  };
}

/** index.json is only ever replaced by rename, so a new inode (or size, or time) means new content. */
export function indexKey(st: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

export function cloneDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { ...d };
  if (d.annotations) out.annotations = { ...d.annotations };
  if (d.urls) out.urls = [...d.urls];
  if (d.platform) out.platform = structuredClone(d.platform);
  return out;
}

/** The annotation `cosign save` marks its entries with (cosign's pkg/oci/layout): what each is, as it names none. */
const COSIGN_KIND = 'kind';
const COSIGN_SAVED = 'dev.cosignproject.cosign/';

/**
 * A layout `cosign save` wrote names nothing: its image is the entry of kind `image` (or `imageIndex`), the image's
 * signature and attestation manifests the entries of kind `sigs` and `atts`. They read as the tags `cosign load`
 * pushes them under (`sha256-<hex>.sig`, `.att`) when the layout holds one such image; index.json's own names win.
 */
function cosignSavedNames(entries: readonly Descriptor[]): Array<[string, Descriptor]> {
  const kind = (d: Descriptor) => d.annotations![COSIGN_KIND]!;
  const image = cosignSavedImage(entries);
  if (!image) return [];
  const [algorithm, hex] = image.digest.split(':');
  const out: Array<[string, Descriptor]> = [];
  for (const [what, suffix] of [['sigs', 'sig'], ['atts', 'att']] as const) {
    const found = entries.filter((d) => kind(d) === `${COSIGN_SAVED}${what}`);
    if (found.length === 1) out.push([`${algorithm}-${hex}.${suffix}`, found[0]!]);
  }
  return out;
}

/** The image a layout `cosign save` wrote holds (the one entry of kind `image` or `imageIndex`); undefined when none, or more than one. */
export function cosignSavedImage(entries: readonly Descriptor[]): Descriptor | undefined {
  const images = entries.filter((d) => {
    const kind: unknown = d.annotations?.[COSIGN_KIND];
    return kind === `${COSIGN_SAVED}image` || kind === `${COSIGN_SAVED}imageIndex`;
  });
  return images.length === 1 ? images[0] : undefined;
}

export function nameOf(d: Descriptor): string | undefined {
  const name: unknown = d.annotations?.[ANNOTATION_REF_NAME];
  return typeof name === 'string' ? name : undefined; // a damaged entry's annotations may hold anything
}

/** The index.json entry for `desc`, named `name` (or unnamed). */
export function withName(desc: Descriptor, name: string | undefined): Descriptor {
  const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
  if (desc.urls) entry.urls = [...desc.urls];
  const annotations = { ...(desc.annotations ?? {}) };
  delete annotations[ANNOTATION_REF_NAME];
  if (name !== undefined) annotations[ANNOTATION_REF_NAME] = name;
  if (Object.keys(annotations).length > 0) entry.annotations = annotations;
  if (desc.data) entry.data = desc.data;
  if (desc.platform) entry.platform = structuredClone(desc.platform);
  if (desc.artifactType) entry.artifactType = desc.artifactType;
  return entry;
}

/** The same index.json entry: written to the same bytes. */
export function sameEntry(a: Descriptor, b: Descriptor): boolean {
  return descriptorJson(a) === descriptorJson(b);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
