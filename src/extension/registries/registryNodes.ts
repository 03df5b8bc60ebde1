// The Registries view's nodes: registry -> repositories -> tags, then the same manifest nodes as layouts.
import type * as vscode from 'vscode';
import { isDigestTag } from '../../oci/referrers';
import { SummaryCache, type TagListing } from '../../oci/graph';
import type { ReadOnlyTarget } from '../../oci/target';
import { isOciError } from '../../oci/errors';
import { CachingNode, describeWithin, MessageNode, Node, SourceNode, TagNode, type TreeContext } from '../tree/nodes';
import { registryItem, repositoryItem, type Access, type ItemSpec } from '../present/items';
import * as l10n from '@vscode/l10n';
import type { SourceRef } from '../present/sourceRef';
import type { RegistryEntry, RegistryService } from './registryService';
import { signInOffer } from './signInOffer';
import { certificateOffer, TRUST_CA_COMMAND } from './certificateOffer';
import { registryCertsDir } from '../../oci/registry/tlsTrust';
import { shownRoute } from '../../oci/registry/client';
import { proxySettings } from './proxySettings';
import { inOwnWords } from '../present/ownWords';

/** Lists past this many show a note instead: a registry's catalog or tags can be huge. */
const MAX_LISTED = 1000;

export interface RegistriesContext extends TreeContext {
  registries: RegistryService;
}

export class RegistryNode extends CachingNode {
  readonly parent = undefined;
  readonly id: string;
  user: string | undefined;

  constructor(public entry: RegistryEntry) {
    super();
    this.id = `registry:${entry.host}`;
  }

  get host(): string {
    return this.entry.host;
  }

  spec(): ItemSpec {
    const host = this.entry.host;
    const plainHttp = this.entry.plainHttp;
    return registryItem({ host, plainHttp, user: this.user, certsDir: () => (plainHttp ? undefined : registryCertsDir(host)), proxy: () => shownRoute(host, plainHttp, proxySettings()) });
  }

  protected override failed(err: unknown): Node {
    return errorNode(this, err);
  }

  protected async load(tree: TreeContext): Promise<Node[]> {
    const ctx = tree as RegistriesContext;
    const names = new Set(this.entry.repositories);
    const nodes: Node[] = [];
    try {
      let n = 0;
      for await (const name of ctx.registries.registry(this.host).repositories()) {
        names.add(name);
        if (++n >= MAX_LISTED) {
          nodes.push(new MessageNode(this, 'info', l10n.t('Only the first {0} repositories of the catalog are listed; add others by name.', MAX_LISTED)));
          break;
        }
      }
    } catch (err) {
      // Many registries close their catalog: the repositories added by name still show.
      if (signInOffer(err) || certificateOffer(err, this.host)) nodes.push(errorNode(this, err));
      else nodes.push(new MessageNode(this, 'info', l10n.t('No catalog ({0}): add repositories by name.', (err as Error).message), addRepositoryAction(this.host)));
    }
    const repos = [...names].sort().map((name) => new RepositoryNode(this, name, this.entry.repositories.includes(name)));
    if (repos.length === 0 && nodes.length === 0) nodes.push(new MessageNode(this, 'info', l10n.t('No repositories: add one by name.'), addRepositoryAction(this.host)));
    return [...repos, ...nodes];
  }
}

export class RepositoryNode extends SourceNode {
  readonly id: string;
  readonly access: Access = 'remote';
  private readonly summaries = new SummaryCache();

  constructor(
    readonly parent: RegistryNode,
    readonly name: string,
    readonly added: boolean,
  ) {
    super();
    this.id = `${parent.id}/repo:${name}`;
  }

  get ref(): SourceRef {
    return { kind: 'registry', registry: this.parent.host, repository: this.name };
  }

  spec(): ItemSpec {
    return repositoryItem(this.name, this.added);
  }

  protected override failed(err: unknown): Node {
    return errorNode(this, err);
  }

  async target(ctx: TreeContext): Promise<ReadOnlyTarget> {
    return (ctx as RegistriesContext).registries.repository(this.parent.host, this.name);
  }

  protected async load(ctx: TreeContext): Promise<Node[]> {
    const repo = await this.target(ctx);
    const tags: string[] = [];
    let more = false;
    try {
      for await (const tag of repo.tags()) {
        // Digest tags (referrer fallback and cosign's) name what shows under the manifest they are for.
        if (!ctx.showFallbackTags() && isDigestTag(tag)) continue;
        if (tags.length >= MAX_LISTED) {
          more = true;
          break;
        }
        tags.push(tag);
      }
    } catch (err) {
      // A repository with blobs but no tag yet (a push cut short) is unknown to the tag list (404 NAME_UNKNOWN).
      if (!isOciError(err, 'NOT_FOUND')) throw err;
    }
    tags.sort();
    // A registry lists names only: each tag is resolved (HEAD) before its node can act on it.
    const listings: TagListing[] = [];
    let next = 0;
    const resolveNext = async (): Promise<void> => {
      while (next < tags.length) {
        const tag = tags[next++]!;
        try {
          listings.push({ tag, desc: await repo.resolve(tag) });
        } catch (err) {
          listings.push({ tag, desc: { mediaType: 'application/octet-stream', digest: '', size: 0 }, error: err as Error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, ctx.concurrency()) }, resolveNext));
    listings.sort((a, b) => (a.tag < b.tag ? -1 : 1));
    await describeWithin(ctx, this, repo, listings.filter((l) => !l.error), this.summaries);
    const nodes: Node[] = listings.map((l) => new TagNode(this, l));
    if (more) nodes.push(new MessageNode(this, 'info', l10n.t('Only the first {0} tags are listed.', MAX_LISTED)));
    if (nodes.length === 0) nodes.push(new MessageNode(this, 'info', l10n.t('No tags')));
    return nodes;
  }
}

function addRepositoryAction(host: string): vscode.Command {
  return { command: 'manifold.addRepository', title: l10n.t('Add Repository…'), arguments: [{ registry: host }] };
}

/**
 * An error as a tree item; an authentication failure (UNAUTHORIZED) offers to sign in, a certificate not trusted
 * (UNTRUSTED) to trust its CA, a client certificate wanted (CLIENT_CERTIFICATE) to choose one.
 */
export function errorNode(parent: Node, err: unknown): MessageNode {
  const message = inOwnWords((err as Error)?.message ?? String(err));
  const registry = parent instanceof RegistryNode ? parent.host : parent.source instanceof RepositoryNode ? parent.source.parent.host : undefined;
  const offer = registry ? signInOffer(err, { registry }) : undefined;
  if (offer) {
    return new MessageNode(parent, 'error', l10n.t('Sign in to {0}: {1}', registry!, message), { command: 'manifold.signIn', title: l10n.t('Sign In…'), arguments: [offer] });
  }
  const certificate = certificateOffer(err, registry);
  if (certificate) {
    // Said first, as "Sign in to" is: the row is narrow, and its click is the way out.
    const label = certificate.command === TRUST_CA_COMMAND ? l10n.t('Trust the CA of {0}: {1}', certificate.registry, message) : l10n.t('Choose a client certificate for {0}: {1}', certificate.registry, message);
    return new MessageNode(parent, 'error', label, { command: certificate.command, title: certificate.title, arguments: [{ registry: certificate.registry }] });
  }
  return new MessageNode(parent, 'error', message);
}
