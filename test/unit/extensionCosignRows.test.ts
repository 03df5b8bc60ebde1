// The rows of manifests found through cosign's tags (`sha256-<hex>.sig`, `.sbom`) under the image they are for: named
// by the tag's kind when they say nothing of themselves, whatever the language, and with annotations of their own;
// a manifest with a name of its own (an artifact type) keeps it.
import * as assert from 'node:assert/strict';
import * as l10n from '@vscode/l10n';
import { ManifestNode, type Node } from '../../src/extension/tree/nodes';
import type { Descriptor } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';

const image = `sha256:${'a'.repeat(64)}`;
const desc = { mediaType: MediaType.ImageManifest, digest: `sha256:${'b'.repeat(64)}`, size: 1 };
const parent = { id: 'layout' } as unknown as Node;
const row = (listed: Descriptor, suffix: 'sig' | 'sbom') =>
  new ManifestNode(parent, listed, 'referrer', { tag: cosignTag(image, suffix), suffix, desc }).spec();

describe('extension: cosign tag rows', () => {
  afterEach(() => l10n.config({ contents: {} }));

  it("named by the tag's kind, annotations after it; an artifact type's name kept", () => {
    assert.equal(row(desc, 'sig').label, 'signature');
    assert.equal(row({ ...desc, annotations: { 'org.opencontainers.image.title': 'n' } }, 'sig').label, 'signature · title=n');
    assert.equal(row(desc, 'sbom').label, 'SBOM');
    assert.equal(row({ ...desc, artifactType: 'application/vnd.acme.scan.report.v1+json' }, 'sig').label, 'scan.report');
    assert.match(row(desc, 'sig').description ?? '', /^cosign \.sig · /);
  });

  it('in another language too: the kind, not the word for a referrer', () => {
    l10n.config({ contents: { referrer: 'Verweis', signature: 'Signatur' } });
    assert.equal(row(desc, 'sig').label, 'Signatur');
    assert.equal(row({ ...desc, annotations: { 'org.opencontainers.image.title': 'n' } }, 'sig').label, 'Signatur · title=n');
    assert.equal(new ManifestNode(parent, desc, 'referrer').spec().label, 'Verweis', 'a referrer no tag names is one');
  });
});
