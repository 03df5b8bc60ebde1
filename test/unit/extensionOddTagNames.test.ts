// Names another tool wrote into index.json, as the Layouts view and the tag pickers show them: one that holds a
// control character or an invisible one (a zero-width space, a right-to-left override) is quoted with that character
// escaped, so `latest\u200b` cannot pass for `latest`, nor a newline for another row; any other name as it is.
import * as assert from 'node:assert/strict';
import { shownName } from '../../src/oci/shownName';
import { checkProblemMessage } from '../../src/extension/present/checkText';
import { manifestName } from '../../src/extension/present/format';
import { manifestItem, tagItem } from '../../src/extension/present/items';
import { TagNode, type SourceNode } from '../../src/extension/tree/nodes';
import { MediaType } from '../../src/oci/mediaType';

const desc = { mediaType: MediaType.ImageManifest, digest: `sha256:${'a'.repeat(64)}`, size: 1 };

describe('extension: odd tag names in the Layouts view', () => {
  it('a name with an invisible or control character is quoted, escaped; others are as written', () => {
    assert.equal(shownName('latest\u200b'), '"latest\\u200b"');
    assert.equal(shownName('\u202etsetal'), '"\\u202etsetal"');
    assert.equal(shownName('x\nlatest'), '"x\\nlatest"');
    assert.equal(shownName('csi\u009b31m'), '"csi\\u009b31m"');
    assert.equal(shownName('bom\ufeff'), '"bom\\ufeff"');
    assert.equal(shownName('tag\u{e0041}'), '"tag\\udb40\\udc41"');
    for (const plain of ['latest', 'v1.0-rc_1', 'example.com/team/app:1.0', 'bad tag', 'café', '日本語']) assert.equal(shownName(plain), plain);
  });

  it('a tag row is labelled so, its tooltip titled so', () => {
    const item = tagItem({ tag: 'latest\u200b', desc });
    assert.equal(item.label, '"latest\\u200b"');
    assert.ok(!item.tooltip!().includes('\u200b'), item.tooltip!());
  });

  it('the tooltip read on hover (with the manifest\'s annotations) is titled so too', () => {
    const node = new TagNode({ id: 'layout' } as unknown as SourceNode, { tag: 'v1\u202e3.0.1', desc: { ...desc, annotations: { 'org.opencontainers.image.ref.name': 'v1\u202e3.0.1' } } });
    const tooltip = (node as unknown as { tooltipWith(a: Record<string, string>): string }).tooltipWith({ 'org.example.note': 'hi', 'org.example.odd': 'a\u200bb' });
    assert.ok(tooltip.startsWith('**"v1\\\\u202e3\\.0\\.1" — **'), tooltip);
    assert.ok(!tooltip.includes('\u202e'), tooltip);
    // The annotations' table: a value holding one is quoted, escaped (Markdown escapes the backslash again).
    assert.ok(tooltip.includes('| org\\.example\\.odd | "a\\\\u200bb" |'), tooltip);
    assert.ok(!tooltip.includes('\u200b'), tooltip);
  });

  it('a check problem in the Problems panel names the tag it was reached from so', () => {
    const problem = { severity: 'error' as const, code: 'blob-missing', where: 'v1\u202e3.0.1 > linux/amd64', document: 'manifest' as const, digest: desc.digest, path: '', message: 'missing' };
    assert.equal(checkProblemMessage(problem), '"v1\\u202e3.0.1 > linux/amd64": missing');
    assert.equal(checkProblemMessage({ ...problem, where: 'v1 > linux/amd64' }), 'v1 > linux/amd64: missing');
  });

  it('a platform row whose os holds one, and an annotation shown in a row, are shown so too', () => {
    const child = { ...desc, platform: { os: 'li\u202exun', architecture: 'amd64' }, annotations: { 'vnd.example.note': 'a\u202eb' } };
    const item = manifestItem(child, 'child');
    assert.equal(item.label, '"li\\u202exun/amd64"');
    assert.ok(String(item.description).endsWith('vnd.example.note="a\\u202eb"'), String(item.description));
    assert.ok(!/\u202e/.test(`${item.label} ${item.description}`));
  });

  it('questions and messages call a manifest by its tag shown so, else by its short digest', () => {
    assert.equal(manifestName('v1\u202e3.0.1', desc.digest), '"v1\\u202e3.0.1"');
    assert.equal(manifestName('v1', desc.digest), 'v1');
    assert.equal(manifestName(undefined, desc.digest), 'a'.repeat(12));
  });

  it('a referrer row whose artifact type holds one is named so', () => {
    const item = manifestItem({ ...desc, artifactType: 'application/x\u202eevil' }, 'referrer');
    assert.ok(!/\u202e/.test(`${item.label} ${item.description} ${item.tooltip!()}`), JSON.stringify(item));
    assert.equal(item.label, '"application/x\\u202eevil"');
  });
});
