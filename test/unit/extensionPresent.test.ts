// The look of the Layouts tree and the words of its confirmations, from core data, without vscode.
import * as assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { annotationChanges, stringList } from '../../src/extension/commands/argValues';
import { consequenceLines, describeDescriptor } from '../../src/extension/present/consequences';
import { allContextValues, contextValue } from '../../src/extension/present/contextValues';
import { documentUriParts, parseDocumentQuery } from '../../src/extension/present/documentUri';
import { parseSourceKey, sourceKey, sourceReference } from '../../src/extension/present/sourceRef';
import { annotationsInline, escapeMarkdown, formatSize, shortMediaType } from '../../src/extension/present/format';
import { annotationProblem } from '../../src/extension/present/annotationProblem';
import { attachedMessage } from '../../src/extension/present/attachedMessage';
import { blobItem, errorItem, layoutItem, manifestItem, registryItem, repositoryItem, tagItem, untaggedItem } from '../../src/extension/present/items';
import type { Descriptor } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';

const D = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;
const image: Descriptor = { mediaType: MediaType.ImageManifest, digest: D('a1'), size: 1234, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
const index: Descriptor = { mediaType: MediaType.ImageIndex, digest: D('b2'), size: 500, annotations: { 'org.opencontainers.image.ref.name': 'v1' } };
const sbom: Descriptor = {
  mediaType: MediaType.ImageManifest,
  digest: D('c3'),
  size: 700,
  artifactType: 'application/spdx+json',
  annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z', 'vnd.microsoft.artifact.lifecycle.end-of-life.date': '2099-01-01' },
};

describe('extension: tree presentation', () => {
  it('contextValues are token lists under manifold:', () => {
    assert.equal(contextValue('tag', ['index', false, 'readonly']), 'manifold:tag+index+readonly');
    assert.equal(contextValue('untagged'), 'manifold:untagged');
    const all = allContextValues();
    for (const v of ['manifold:layout', 'manifold:layout+added+readonly', 'manifold:tag+image', 'manifold:manifest+artifact+referrer+readonly', 'manifold:blob+config']) {
      assert.ok(all.includes(v), v);
    }
    assert.ok(!all.includes('manifold:tag'), 'a tag always has a kind');
  });

  it('a tag shows its short digest and platforms, an icon by kind and a tooltip with the facts', () => {
    const item = tagItem({ tag: 'v1', desc: index, summary: { desc: index, kind: 'index', platforms: ['linux/amd64', 'linux/arm64'], description: 'multi-arch (linux/amd64, linux/arm64)' } });
    assert.equal(item.label, 'v1');
    assert.equal(item.description, 'b2b2b2b2b2b2 · multi-arch (linux/amd64, linux/arm64)');
    assert.equal(item.contextValue, 'manifold:tag+index');
    assert.equal(item.icon.id, 'layers');
    assert.equal(item.collapsible, 'collapsed');
    for (const text of [`\`${MediaType.ImageIndex}\``, `\`${index.digest}\``, '500 B (500 bytes)', 'linux/amd64, linux/arm64']) {
      assert.ok(item.tooltip!().replace(/\\/g, '').includes(text), text);
    }
  });

  it('a tag whose manifest cannot be read says why', () => {
    const item = tagItem({ tag: 'broken', desc: image, error: new Error('blob missing') }, 'readonly');
    assert.match(item.description!, /unreadable: blob missing/);
    assert.equal(item.contextValue, 'manifold:tag+unknown+readonly');
    assert.equal(item.icon.id, 'warning');
  });

  it('an index child is labelled by platform, a referrer by artifact type and annotations', () => {
    const child = manifestItem(image, 'child');
    assert.equal(child.label, 'linux/arm64/v8');
    assert.equal(child.description, 'a1a1a1a1a1a1');
    assert.equal(child.contextValue, 'manifold:manifest+image+child');
    const ref = manifestItem(sbom, 'referrer');
    // Kind and telling annotations first (a narrow view cuts the end off); the artifact type after the digest.
    assert.equal(ref.label, 'SBOM · end-of-life=2099-01-01, created=2026-01-01T00:00:00Z');
    assert.equal(ref.description, 'c3c3c3c3c3c3 · application/spdx+json');
    const eol = manifestItem({ ...sbom, artifactType: 'application/vnd.microsoft.artifact.lifecycle', annotations: { 'vnd.microsoft.artifact.lifecycle.end-of-life.date': '2099-06-30' } }, 'referrer');
    assert.equal(eol.label, 'end-of-life=2099-06-30');
    assert.deepEqual([eol.description, eol.icon], ['c3c3c3c3c3c3 · application/vnd.microsoft.artifact.lifecycle', { id: 'references', color: 'charts.purple' }]);
    // A date passed (as manifold check warns): said first on the row, with the warning icon.
    const past = manifestItem({ ...sbom, artifactType: 'application/vnd.microsoft.artifact.lifecycle', annotations: { 'vnd.microsoft.artifact.lifecycle.end-of-life.date': '2020-01-01T00:00:00Z' } }, 'referrer');
    assert.deepEqual([past.label, past.description, past.icon], ['end-of-life=2020-01-01T00:00:00Z', 'end of life passed · c3c3c3c3c3c3 · application/vnd.microsoft.artifact.lifecycle', { id: 'warning', color: 'problemsWarningIcon.foreground' }]);
    assert.equal(manifestItem({ ...sbom, artifactType: 'application/vnd.acme.scan.report.v1+json', annotations: undefined }, 'referrer').label, 'scan.report');
    assert.equal(manifestItem({ ...sbom, artifactType: 'text/plain', annotations: { 'org.opencontainers.image.title': 'notes.txt' } }, 'referrer').label, 'text/plain · title=notes.txt');
    assert.equal(ref.contextValue, 'manifold:manifest+artifact+referrer');
    // A Sigstore bundle: named by its kind, cosign's bookkeeping annotations left to the tooltip, "Sigstore bundle" for its type.
    const bundle = (predicateType: string, more: Record<string, string> = {}) =>
      manifestItem({ ...sbom, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': predicateType, 'org.opencontainers.image.created': '2026-12-07T07:10:34Z', ...more } }, 'referrer');
    assert.deepEqual([bundle('https://sigstore.dev/cosign/sign/v1').label, bundle('https://sigstore.dev/cosign/sign/v1').description], ['signature', 'c3c3c3c3c3c3 · Sigstore bundle']);
    assert.equal(bundle('https://spdx.dev/Document').label, 'SBOM');
    assert.equal(bundle('https://spdx.dev/Document', { note: 'nightly' }).label, 'SBOM · note=nightly');
    const untagged = manifestItem(sbom, 'untagged');
    assert.equal(untagged.label, 'c3c3c3c3c3c3');
  });

  it('configs and layers show media type and size; layers their title', () => {
    assert.deepEqual(
      [blobItem({ mediaType: MediaType.ImageConfig, digest: D('d'), size: 1500 }, 'config').description, blobItem({ mediaType: MediaType.ImageLayerGzip, digest: D('e'), size: 2_500_000, annotations: { 'org.opencontainers.image.title': 'sbom.json' } }, 'layer', 0).label],
      ['image.config.v1+json · 1.5 kB', 'sbom.json'],
    );
    assert.equal(blobItem({ mediaType: MediaType.ImageLayerGzip, digest: D('e'), size: 1 }, 'layer', 2).label, 'layer 3');
  });

  it('layouts, the Untagged group and errors', () => {
    assert.equal(layoutItem({ path: '/w/layout', name: 'layout', where: 'layout', readOnly: false, added: true }).contextValue, 'manifold:layout+added');
    assert.equal(layoutItem({ path: '/w/x.tar', name: 'x.tar', where: '/w/x.tar', readOnly: true, added: true }).icon.id, 'file-zip');
    assert.equal(untaggedItem(3).description, '3');
    assert.equal(errorItem('first line\nsecond').label, 'first line');
    assert.match(errorItem('boom').tooltip!(), /Click to show the log\.$/);
    // A row whose click signs in says so, not that it shows the log.
    const signIn = errorItem('Sign in to localhost:5000: 401', 'Sign In…').tooltip!();
    assert.match(signIn, /Click: Sign In…$/);
    assert.doesNotMatch(signIn, /log/);
  });

  it('annotation prompts speak of what to type, not of command-line flags', () => {
    assert.equal(annotationProblem([], 'a=b', false), undefined);
    assert.equal(annotationProblem([], 'a-', true), undefined);
    for (const [entries, entry, allowRemove, expected] of [
      [[], 'novalue', false, 'Write key=value.'],
      [[], 'novalue', true, 'Write key=value to set an annotation, or key- to remove one.'],
      [[], 'a-', false, 'Write key=value.'],
      [[], '=x', false, 'The key before "=" is empty.'],
      [['a=1'], 'a=2', false, 'a is already given above.'],
      [['a=1'], 'a-', true, 'a is already given above.'],
    ] as const) {
      const problem = annotationProblem(entries, entry, allowRemove);
      assert.equal(problem, expected, entry);
      assert.doesNotMatch(problem!, /--/);
    }
  });

  it('registries say who is signed in and whether they talk plain HTTP; their tags are remote', () => {
    const r = registryItem({ host: 'localhost:5000', plainHttp: true, user: 'alice' });
    assert.equal(r.description, 'signed in as alice · plain HTTP');
    assert.equal(r.contextValue, 'manifold:registry+signedin');
    assert.equal(registryItem({ host: 'ghcr.io', plainHttp: false }).contextValue, 'manifold:registry');
    // The certs.d folder its TLS trust is read from, asked only on hover; the home folder said as `~`.
    let asked = 0;
    const tls = registryItem({ host: 'registry.example:5443', plainHttp: false, certsDir: () => (asked++, join(homedir(), '.config/containers/certs.d/registry.example:5443')) });
    assert.equal(asked, 0);
    assert.match(tls.tooltip!(), /^Trusts the CA certificates in `~\/\.config\/containers\/certs\.d\/registry\.example:5443`$/m);
    assert.doesNotMatch(registryItem({ host: 'ghcr.io', plainHttp: false, certsDir: () => undefined }).tooltip!(), /certs\.d/);
    // The proxy its requests go through, asked on hover too; nothing said when they go directly.
    assert.match(registryItem({ host: 'ghcr.io', plainHttp: false, proxy: () => 'http://proxy.corp:3128' }).tooltip!(), /^Reached through the proxy `http:\/\/proxy\.corp:3128`$/m);
    assert.doesNotMatch(registryItem({ host: 'ghcr.io', plainHttp: false, proxy: () => undefined }).tooltip!(), /proxy/);
    assert.equal(repositoryItem('team/app', true).contextValue, 'manifold:repository+added');
    assert.equal(tagItem({ tag: 'v1', desc: index }, 'remote').contextValue, 'manifold:tag+index+remote');
    assert.equal(manifestItem(image, 'child', 'remote').contextValue, 'manifold:manifest+image+child+remote');
  });

  it('formats sizes and annotations compactly', () => {
    const cases: [number, string][] = [[0, '0 B'], [999, '999 B'], [1000, '1.0 kB'], [1234567, '1.2 MB'], [123_000_000, '123 MB'], [5e12, '5.0 TB']];
    for (const [n, s] of cases) assert.equal(formatSize(n), s);
    assert.equal(annotationsInline({ z: '1', y: '2', x: '3' }), 'x=3, y=2, +1');
    assert.equal(shortMediaType('application/vnd.oci.image.layer.v1.tar+gzip'), 'image.layer.v1.tar+gzip');
    assert.equal(escapeMarkdown('a*b_[c]'), 'a\\*b\\_\\[c\\]');
  });

  it('shows what another tool wrote as a title or annotation as text: a value that is no string as its JSON, odd characters escaped', () => {
    // Layer descriptors are read leniently: a title of {} threw in the tooltip (value.replace is not a function).
    const odd = { mediaType: MediaType.ImageLayerGzip, digest: D('e'), size: 1, annotations: { 'org.opencontainers.image.title': {}, note: 5 } } as unknown as Descriptor;
    const item = blobItem(odd, 'layer', 0);
    assert.equal(item.label, 'layer 1');
    const tooltip = (item.tooltip as () => string)();
    assert.ok(tooltip.includes('| org\\.opencontainers\\.image\\.title | \\{\\} |'), tooltip); // Markdown-escaped
    assert.match(tooltip, /\| note \| 5 \|/);
    assert.equal(annotationsInline({ note: {} as unknown as string, n: 5 as unknown as string }), 'n=5, note={}');
    const bidi = { mediaType: MediaType.ImageLayerGzip, digest: D('e'), size: 1, annotations: { 'org.opencontainers.image.title': 'notes\u202e.txt' } };
    assert.equal(blobItem(bidi, 'layer', 0).label, '"notes\\u202e.txt"');
  });

  it('a referrer or child whose optional fields have another type (a registry answers as it likes) still shows a row', () => {
    const odd = { mediaType: MediaType.ImageManifest, digest: D('f'), size: 3, artifactType: true, annotations: 'x', platform: { os: {}, architecture: 'amd64' } } as unknown as Descriptor;
    const referrer = manifestItem(odd, 'referrer');
    assert.deepEqual([referrer.label, referrer.description], ['referrer', 'ffffffffffff']);
    const named = { ...odd, annotations: { 'org.opencontainers.image.ref.name': true, note: 'n' } } as unknown as Descriptor;
    assert.equal(manifestItem(named, 'referrer').label, 'referrer · note=n');
    const child = manifestItem(odd, 'child');
    assert.equal(child.label, '{}/amd64');
    assert.doesNotMatch((child.tooltip as () => string)(), /object Object/);
  });
});

describe('extension: documents and arguments', () => {
  it('a document URI carries what to show and round-trips', () => {
    const req = { view: 'manifest' as const, source: { kind: 'layout' as const, path: '/w/my layout' }, digest: D('f'), mediaType: MediaType.ImageIndex, size: 42, label: 'v1' };
    const parts = documentUriParts(req);
    assert.equal(parts.path, '/my-layout/v1.json');
    assert.deepEqual(parseDocumentQuery(parts.query), { ...req, layout: '/w/my layout' });
    const remote = { ...req, source: { kind: 'registry' as const, registry: 'localhost:5000', repository: 'team/app' } };
    assert.equal(documentUriParts(remote).path, '/app/v1.json');
    assert.deepEqual(parseDocumentQuery(documentUriParts(remote).query), remote);
    assert.equal(documentUriParts({ ...req, view: 'referrers', label: D('f') }).path, '/my-layout/sha256-ffffffffffff.referrers.txt');
    assert.throws(() => parseDocumentQuery('view=x'));
  });

  it('names layouts and repositories as the CLI does', () => {
    const layout = { kind: 'layout' as const, path: '/w/layout' };
    const repo = { kind: 'registry' as const, registry: 'localhost:5000', repository: 'team/app' };
    assert.equal(sourceReference(layout, 'v1'), '/w/layout:v1');
    assert.equal(sourceReference(repo, D('a')), `localhost:5000/team/app@${D('a')}`);
    assert.deepEqual(parseSourceKey(sourceKey(repo)), repo);
    assert.deepEqual(parseSourceKey(sourceKey(layout)), layout);
    assert.throws(() => parseSourceKey('registry:nohost'));
  });

  it('reads lists and annotation changes from plain-object arguments', () => {
    assert.deepEqual(stringList('a, b c', 'tags'), ['a', 'b', 'c']);
    assert.deepEqual(stringList(['x'], 'tags'), ['x']);
    assert.equal(stringList(undefined, 'tags'), undefined);
    assert.throws(() => stringList([1], 'tags'), /tags: expected a list of strings/);
    assert.deepEqual(annotationChanges(['a=1', 'b-'], true), { set: { a: '1' }, remove: ['b'] });
    assert.deepEqual(annotationChanges({ a: '1' }, false), { set: { a: '1' }, remove: [] });
    assert.deepEqual(annotationChanges({ set: { a: '1' }, remove: ['b'] }, true), { set: { a: '1' }, remove: ['b'] });
    assert.throws(() => annotationChanges(['b-'], false), /required format/);
  });
});

describe('extension: confirmation of untag and delete', () => {
  it('names the manifests that become unreachable and counts the rest', () => {
    const lines = consequenceLines({ manifests: [index, image], blobs: [{ mediaType: MediaType.ImageConfig, digest: D('1'), size: 1000 }, { mediaType: MediaType.ImageLayerGzip, digest: D('2'), size: 2000 }], bytes: 3000, orphanedReferrers: [sbom], danglingParents: [] });
    assert.equal(lines[0], 'No longer reachable from index.json: index b2b2b2b2b2b2, manifest linux/arm64/v8 a1a1a1a1a1a1.');
    assert.equal(lines[1], 'Also 2 configs and layers (3.0 kB in all).');
    assert.match(lines[3]!, /1 referrer will refer to a manifest that is no longer listed: manifest application\/spdx\+json c3c3c3c3c3c3/);
  });

  it('says so when nothing else is lost', () => {
    assert.deepEqual(consequenceLines({ manifests: [], blobs: [], bytes: 0, orphanedReferrers: [], danglingParents: [] }), ['Nothing else becomes unreachable.']);
    assert.equal(describeDescriptor(index), 'index b2b2b2b2b2b2');
  });
});

describe('extension: what Attach Artifact reports', () => {
  it('counts in words and says where the artifacts went', () => {
    assert.equal(attachedMessage('application/spdx+json', 'v1', [{}]), 'Attached 1 artifact of type application/spdx+json to v1');
    assert.equal(attachedMessage('application/spdx+json', 'v1', [{ platform: 'linux/arm64/v8' }]), 'Attached 1 artifact of type application/spdx+json to linux/arm64/v8 of v1');
    assert.equal(
      attachedMessage('application/spdx+json', 'v1', [{ platform: 'linux/amd64' }, { platform: 'linux/arm64/v8' }]),
      'Attached 2 artifacts of type application/spdx+json to linux/amd64, linux/arm64/v8 of v1',
    );
    assert.equal(
      attachedMessage('application/vnd.demo.lifecycle', 'v1', [{}, { platform: 'linux/amd64' }, { platform: 'linux/arm64/v8' }]),
      'Attached 3 artifacts of type application/vnd.demo.lifecycle to v1 and its platforms linux/amd64, linux/arm64/v8',
    );
  });

  it('says how many buildx attestation manifests the index and all its platforms left out', () => {
    const three = [{}, { platform: 'linux/amd64' }, { platform: 'linux/arm64/v8' }];
    assert.equal(
      attachedMessage('application/spdx+json', 'v1', three, 2),
      'Attached 3 artifacts of type application/spdx+json to v1 and its platforms linux/amd64, linux/arm64/v8; skipped 2 buildx attestation manifests (they describe images, they are not platforms)',
    );
    assert.equal(
      attachedMessage('application/spdx+json', 'v1', [{}, { platform: 'linux/amd64' }], 1),
      'Attached 2 artifacts of type application/spdx+json to v1 and its platforms linux/amd64; skipped 1 buildx attestation manifest (it describes an image, it is not a platform)',
    );
    assert.equal(attachedMessage('application/spdx+json', 'v1', three, 0), attachedMessage('application/spdx+json', 'v1', three));
  });
});
