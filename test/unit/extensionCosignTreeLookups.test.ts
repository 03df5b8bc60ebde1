// Expanding manifests in the Registries view looks for cosign's tags of each (`sha256-<hex>.sig`, `.att`, `.sbom`):
// through one CosignTagLookup per repository, kept until a refresh, so many expansions cost the first few three HEADs
// each, then one tag listing and a HEAD only for a tag that is there. Counted on the in-repo registry.
import { strict as assert } from 'node:assert';
import type { Descriptor } from '../../src/oci/descriptor';
import { COSIGN_NAMES_BEFORE_LISTING, cosignTag, KindTable } from '../../src/oci/referrers';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import type { ReadOnlyTarget } from '../../src/oci/target';
import type { Access, ItemSpec } from '../../src/extension/present/items';
import type { SourceRef } from '../../src/extension/present/sourceRef';
import { SourceNode, TagNode, type Node, type TreeContext } from '../../src/extension/tree/nodes';
import { startOciServer, type OciServer } from '../integration/support';
import { makeImage } from './builders';

/** A repository row as the Registries view's, over one RemoteRepository. */
class RepoNode extends SourceNode {
  readonly id = 'repo';
  readonly parent = undefined;
  readonly access: Access = 'remote';
  constructor(
    readonly ref: SourceRef,
    private readonly repo: ReadOnlyTarget,
  ) {
    super();
  }
  spec(): ItemSpec {
    return { label: 'app', contextValue: '', icon: { id: 'repo' }, collapsible: 'collapsed' };
  }
  target(): Promise<ReadOnlyTarget> {
    return Promise.resolve(this.repo);
  }
  protected async load(): Promise<Node[]> {
    return [];
  }
}

const ctx: TreeContext = {
  log: { warn: () => undefined, error: () => undefined } as unknown as TreeContext['log'],
  showFallbackTags: () => false,
  concurrency: () => 3,
  kinds: () => new KindTable(),
  changed: () => undefined,
};

describe('extension: cosign tags of the manifests expanded in a repository', function () {
  this.timeout(30_000);
  const COUNT = 10;
  let server: OciServer;
  let repo: RemoteRepository;
  let images: Descriptor[];
  before(async () => {
    server = await startOciServer();
    repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
    images = [];
    for (let i = 0; i < COUNT; i++) {
      images.push(await makeImage(repo, { arch: `arch${i}` }));
      await repo.tag(images[i]!, `v${i}`);
    }
    // Every other image signed: its .sig tag names a manifest (another image will do: the row shows what the tag names).
    for (let i = 0; i < COUNT; i += 2) await repo.tag(await makeImage(repo, { arch: `sig${i}` }), cosignTag(images[i]!.digest, 'sig'));
  });
  after(() => server.stop());

  const cosignHeads = (from: number) => server.requests.slice(from).filter((q) => q.method === 'HEAD' && /\/manifests\/sha256-[0-9a-f]{64}\.(sig|att|sbom)$/.test(q.path)).length;
  const listings = (from: number) => server.requests.slice(from).filter((q) => q.method === 'GET' && /\/tags\/list/.test(q.path)).length;
  const signatureRows = async (node: TagNode) => (await node.children(ctx)).map((c) => c.spec()).filter((s) => s.label === 'signature').length;

  it('the first few by name, then one listing for the rest; a refresh looks anew', async () => {
    const source = new RepoNode({ kind: 'registry', registry: server.host, repository: 'app' }, repo);
    const from = server.requests.length;
    for (let i = 0; i < COUNT; i++) assert.equal(await signatureRows(new TagNode(source, { tag: `v${i}`, desc: images[i]! })), i % 2 === 0 ? 1 : 0, `v${i}`);
    const signedAfter = [...Array(COUNT).keys()].slice(COSIGN_NAMES_BEFORE_LISTING).filter((i) => i % 2 === 0).length;
    // By name each expansion cost three HEADs: 30 here.
    assert.equal(cosignHeads(from), COSIGN_NAMES_BEFORE_LISTING * 3 + signedAfter);
    assert.equal(listings(from), 1);

    // v1 signed meanwhile: shown once its repository (or a row of it) is refreshed, looked up by name again.
    await repo.tag(await makeImage(repo, { arch: 'sig1' }), cosignTag(images[1]!.digest, 'sig'));
    source.invalidate();
    const again = server.requests.length;
    assert.equal(await signatureRows(new TagNode(source, { tag: 'v1', desc: images[1]! })), 1);
    assert.equal(cosignHeads(again), 3);
    assert.equal(listings(again), 0);
  });
});
