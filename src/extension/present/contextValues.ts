// Tree item contextValues, built from tokens (`manifold:tag+index+readonly`) so package.json menus can match
// them with regexes (`viewItem =~ /^manifold:tag\+index/`). Kept free of `vscode` so a unit test can check
// that every menu `when` clause matches something the tree sets.

export type NodeType = 'layout' | 'registry' | 'repository' | 'tag' | 'manifest' | 'blob' | 'untagged' | 'error' | 'info';

interface TokenGroup {
  tokens: readonly string[];
  /** One of the tokens is always present; otherwise at most one. */
  required: boolean;
}

/** The tokens each node type carries, in this order. */
export const NODE_TOKENS: Record<NodeType, readonly TokenGroup[]> = {
  layout: [
    { tokens: ['added'], required: false },
    { tokens: ['readonly'], required: false },
  ],
  registry: [{ tokens: ['signedin'], required: false }],
  repository: [{ tokens: ['added'], required: false }],
  // `readonly` (a layout archive) and `remote` (on a registry) never come together.
  tag: [
    { tokens: ['index', 'image', 'artifact', 'unknown'], required: true },
    { tokens: ['readonly', 'remote'], required: false },
  ],
  manifest: [
    { tokens: ['index', 'image', 'artifact'], required: true },
    { tokens: ['child', 'referrer', 'untagged', 'attestation'], required: true },
    { tokens: ['readonly', 'remote'], required: false },
  ],
  blob: [{ tokens: ['config', 'layer'], required: true }],
  untagged: [],
  // `restore`: a layout folder that lost its oci-layout, offered to write it back (an inline action).
  error: [{ tokens: ['restore'], required: false }],
  info: [],
};

export function contextValue(type: NodeType, tokens: readonly (string | false | undefined)[] = []): string {
  const set = tokens.filter((t): t is string => Boolean(t));
  return ['manifold:' + type, ...set].join('+');
}

/** Every contextValue the tree can produce. */
export function allContextValues(): string[] {
  const out: string[] = [];
  for (const [type, groups] of Object.entries(NODE_TOKENS) as [NodeType, readonly TokenGroup[]][]) {
    let combos: string[][] = [[]];
    for (const group of groups) {
      combos = combos.flatMap((c) => [...(group.required ? [] : [c]), ...group.tokens.map((t) => [...c, t])]);
    }
    out.push(...combos.map((c) => contextValue(type, c)));
  }
  return out;
}
