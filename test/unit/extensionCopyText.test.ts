// Copy to Registry's words and figures, without vscode: the destination pick's rows and checks, the progress
// figures, the notice of a cancelled copy, an unreachable registry named, the CLI's advice in the extension's words.
import * as assert from 'node:assert/strict';
import { cancelledCopyText, cancelledTagsCopyText, CopyTally, unreachableText } from '../../src/extension/present/copyText';
import { destinationItems, parseDestination } from '../../src/extension/present/destination';
import { inOwnWords } from '../../src/extension/present/ownWords';
import type { Descriptor } from '../../src/oci/descriptor';
import { parseAnnotationChanges } from '../../src/oci/imageIndex';
import { parseRegistryReference } from '../../src/oci/registry';

const blob = (n: string, size: number): Descriptor => ({ mediaType: 'application/octet-stream', digest: `sha256:${n.repeat(64).slice(0, 64)}`, size });

describe('extension: Copy to Registry', () => {
  const known = [
    { host: '127.0.0.1:5000', repositories: ['demo/app', 'team/tool'] },
    { host: '127.0.0.1:6000', repositories: [] },
  ];

  it('the destination pick lists the added repositories and registries, with the source tag', () => {
    const items = destinationItems(known, '', 'v1');
    assert.deepEqual(
      items.map((i) => [i.label, i.value ?? i.fill]),
      [
        ['127.0.0.1:5000/demo/app', '127.0.0.1:5000/demo/app:v1'],
        ['127.0.0.1:5000/team/tool', '127.0.0.1:5000/team/tool:v1'],
        ['127.0.0.1:6000/', '127.0.0.1:6000/'],
      ],
    );
  });

  it('what is typed is a row of its own (never "0 Results"), a destination or why it is not one yet', () => {
    const typed = destinationItems(known, '127.0.0.1:5000/demo/new:v2', 'v1')[0]!;
    assert.deepEqual([typed.label, typed.value, typed.alwaysShow], ['127.0.0.1:5000/demo/new:v2', '127.0.0.1:5000/demo/new:v2', true]);
    const bad = destinationItems(known, '127.0.0.1:5000/Demo/App', 'v1')[0]!;
    assert.equal(bad.value, undefined);
    assert.equal(bad.detail, '"Demo/App" is not a repository name: lowercase letters and digits, separated by ".", "_", "-" or "/".');
    // An added repository typed in full is that repository's row, not a second one.
    assert.equal(destinationItems(known, '127.0.0.1:5000/demo/app', 'v1').filter((i) => i.label === '127.0.0.1:5000/demo/app').length, 1);
  });

  it('checks a destination in its own words, never the CLI flags of the core parser', () => {
    const problem = (text: string, tag?: string) => parseDestination(text, tag).problem;
    assert.equal(problem('127.0.0.1:5000'), 'Name the repository after the registry: 127.0.0.1:5000/repository:tag.');
    assert.throws(() => parseRegistryReference('127.0.0.1:5000'), /--oci-layout/); // what the extension must not show
    assert.equal(problem('http://127.0.0.1:5000/a:v1'), 'Leave out http://: type registry/repository:tag.');
    assert.equal(problem('bad host!/a:v1'), '"bad host!" is not a registry: a host name or address, with an optional :port.');
    assert.equal(problem('127.0.0.1:5000/a:-x'), '"-x" is not a tag: up to 128 letters, digits, "_", "." or "-", not starting with "." or "-".');
    assert.equal(problem('127.0.0.1:5000/a@sha256:00'), 'Name a tag after ":", not a digest: the copy is tagged at the destination.');
    assert.equal(problem('127.0.0.1:5000/a'), 'Add :tag at the end: the source has no tag to reuse.');
    assert.deepEqual(parseDestination(' 127.0.0.1:5000/a ', 'v1').destination, { registry: '127.0.0.1:5000', repository: 'a', tag: 'v1' });
  });

  it('Copy Layout to Registry asks a repository only: the added ones as they are, a typed tag refused', () => {
    const items = destinationItems(known, '', undefined, 'repository');
    assert.deepEqual(
      items.map((i) => [i.label, i.value ?? i.fill]),
      [
        ['127.0.0.1:5000/demo/app', '127.0.0.1:5000/demo/app'],
        ['127.0.0.1:5000/team/tool', '127.0.0.1:5000/team/tool'],
        ['127.0.0.1:6000/', '127.0.0.1:6000/'],
      ],
    );
    assert.deepEqual(destinationItems(known, '127.0.0.1:6000/new/app', undefined, 'repository')[0]!.value, '127.0.0.1:6000/new/app');
    const tagged = destinationItems(known, '127.0.0.1:6000/new/app:v1', undefined, 'repository')[0]!;
    assert.deepEqual([tagged.value, tagged.detail], [undefined, 'Name only the repository: every tag keeps its name.']);
    assert.equal(parseDestination('127.0.0.1:5000', undefined, 'repository').problem, 'Name the repository after the registry: 127.0.0.1:5000/repository.');
    assert.equal(parseDestination('', undefined, 'repository').problem, 'Type registry/repository, for example 127.0.0.1:5000/team/app.');
  });

  it('Pull into This Layout asks a source: an added repository fills in to take a tag, its tags once listed, a digest too', () => {
    const first = destinationItems(known, '', undefined, 'source');
    assert.deepEqual(first.map((i) => [i.label, i.value, i.fill]), [
      ['127.0.0.1:5000/demo/app', undefined, '127.0.0.1:5000/demo/app:'],
      ['127.0.0.1:5000/team/tool', undefined, '127.0.0.1:5000/team/tool:'],
      ['127.0.0.1:6000/', undefined, '127.0.0.1:6000/'],
    ]);
    // Filled in, before and after its tags are listed: no row of its own for the unfinished text.
    assert.equal(destinationItems(known, '127.0.0.1:5000/demo/app:', undefined, 'source').filter((i) => i.value).length, 0);
    const tags = new Map([['127.0.0.1:5000/demo/app', { tags: ['v1', 'v2'] }]]);
    const listed = destinationItems(known, '127.0.0.1:5000/demo/app:', undefined, 'source', tags);
    assert.deepEqual(listed.filter((i) => i.value).map((i) => i.value), ['127.0.0.1:5000/demo/app:v1', '127.0.0.1:5000/demo/app:v2']);
    assert.ok(!listed.some((i) => i.label === '127.0.0.1:5000/demo/app:'));
    const failed = destinationItems(known, '', undefined, 'source', new Map([['127.0.0.1:5000/team/tool', { tags: [], problem: 'Its tags could not be listed: denied' }]]));
    assert.equal(failed.find((i) => i.label === '127.0.0.1:5000/team/tool')?.detail, 'Its tags could not be listed: denied');
    // Typed in full: a tag or a digest; without either it says what is missing.
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(destinationItems(known, `127.0.0.1:7000/x/y@${digest}`, undefined, 'source')[0]!.value, `127.0.0.1:7000/x/y@${digest}`);
    assert.equal(destinationItems(known, '127.0.0.1:7000/x/y:v3', undefined, 'source')[0]!.value, '127.0.0.1:7000/x/y:v3');
    const bare = destinationItems(known, '127.0.0.1:7000/x/y', undefined, 'source')[0]!;
    assert.deepEqual([bare.value, bare.description, bare.detail], [undefined, 'not a source yet', 'Add :tag (or @digest): the tag to pull.']);
    assert.equal(parseDestination('127.0.0.1:7000/x/y@sha256:00', undefined, 'source').problem, '"sha256:00" is not a digest: algorithm:hex, for example sha256: and 64 hex digits.');
    assert.equal(parseDestination('127.0.0.1:7000/x/y:', undefined, 'source').problem, 'Type the tag after ":".');
  });

  it('progress counts no byte as done before the destination has the blob', () => {
    const tally = new CopyTally();
    const small = blob('a', 1200);
    tally.add({ type: 'copying', desc: small });
    tally.add({ type: 'bytes', desc: small, bytes: 1200 });
    // Read from the source, all of it, but the destination has not answered: 0 B of 1.2 kB, not 1.2 kB of 1.2 kB.
    assert.deepEqual(tally.figures(), { done: 0, total: 1200 });
    const big = blob('b', 10 << 20);
    tally.add({ type: 'copying', desc: big });
    tally.add({ type: 'bytes', desc: big, bytes: 4 << 20 });
    assert.deepEqual(tally.figures(), { done: (4 << 20) - 64 * 1024, total: 1200 + (10 << 20) });
    tally.add({ type: 'copied', desc: small });
    tally.add({ type: 'exists', desc: blob('c', 50) });
    assert.deepEqual(tally.figures(), { done: 1200 + (4 << 20) - 64 * 1024 + 50, total: 1200 + (10 << 20) + 50 });
    assert.deepEqual([tally.pushed, tally.pushedBytes, tally.existing], [1, 1200, 1]);
  });

  it('a cancelled copy says what reached the destination, and that nothing is tagged there', () => {
    const none = new CopyTally();
    none.add({ type: 'copying', desc: blob('a', 10) });
    assert.equal(cancelledCopyText(none, 'reg:5000/demo/app:v1'), 'Copy cancelled: nothing was copied to reg:5000/demo/app:v1.');
    const some = new CopyTally();
    some.add({ type: 'copied', desc: blob('a', 1000) });
    some.add({ type: 'mounted', desc: blob('b', 500) });
    some.add({ type: 'exists', desc: blob('c', 500) });
    assert.equal(cancelledCopyText(some, 'reg:5000/demo/app:v1'), 'Copy cancelled: 2 blobs and manifests (1.5 kB) reached reg:5000/demo/app:v1, but the copy is incomplete and not tagged there.');
  });

  it('a cancelled copy of a layout\'s tags names those copied and tagged, what reached the registry in all, and the tags whole but not tagged', () => {
    const [a, b, c, d] = [blob('a', 1000), blob('b', 500), blob('c', 300), blob('d', 200)];
    const tags = [{ tag: 'linux-amd64', desc: a }, { tag: 'v1', desc: b }, { tag: 'v2', desc: c }, { tag: 'v3', desc: d }];
    assert.equal(cancelledTagsCopyText(new CopyTally(), tags, 'reg:5000/demo/app'), 'Copy cancelled: nothing was copied to reg:5000/demo/app.');
    const tally = new CopyTally();
    tally.add({ type: 'copied', desc: a });
    tally.add({ type: 'copied', desc: b });
    tally.tagged('linux-amd64');
    assert.equal(
      cancelledTagsCopyText(tally, tags, 'reg:5000/demo/app'),
      'Copy cancelled: linux-amd64 was copied to reg:5000/demo/app and is tagged there; the other tags are not (2 blobs and manifests (1.5 kB) reached it in all). ' +
        'The content of v1 is there whole but not tagged: copy again to tag it, pushing only what is missing.',
    );
    tally.tagged('v1');
    assert.equal(
      cancelledTagsCopyText(tally, tags, 'reg:5000/demo/app'),
      'Copy cancelled: linux-amd64, v1 were copied to reg:5000/demo/app and are tagged there; the other tags are not (2 blobs and manifests (1.5 kB) reached it in all).',
    );
    // None tagged, two whole (v3's manifest was there already).
    const untagged = new CopyTally();
    untagged.add({ type: 'copied', desc: c });
    untagged.add({ type: 'exists', desc: d });
    assert.equal(
      cancelledTagsCopyText(untagged, tags, 'reg:5000/demo/app'),
      'Copy cancelled: 1 blob or manifest (300 B) reached reg:5000/demo/app, but the copy is incomplete and not tagged there. ' +
        'The content of v2, v3 is there whole but not tagged: copy again to tag it, pushing only what is missing.',
    );
  });

  it('copies beside one another (copyTags): each blob and manifest counted once, pushed or found there, and where each tag was left', () => {
    const tally = new CopyTally();
    const [layer, v1, v2, v3] = [blob('a', 1000), blob('b', 200), blob('c', 300), blob('d', 400)];
    // The layer told as pushed twice (counted once), v1's manifest is found again by a later pass, v3 was there.
    for (const e of [layer, layer, v1, v2]) tally.add({ type: 'copied', desc: e });
    tally.add({ type: 'exists', desc: v1 });
    tally.add({ type: 'exists', desc: v3 });
    tally.add({ type: 'exists', desc: v3 });
    assert.deepEqual([tally.pushed, tally.pushedBytes, tally.existing], [3, 1500, 1]);
    tally.tagged('v1');
    const tags = [{ tag: 'v1', desc: v1 }, { tag: 'v2', desc: v2 }, { tag: 'v3', desc: v3 }, { tag: 'v4', desc: blob('e', 10) }];
    assert.deepEqual(tally.left(tags), { tagged: ['v1'], whole: ['v2', 'v3'] });
  });

  it('a registry that cannot be reached is named, and other errors are left as they are', () => {
    const refused = Object.assign(new Error('HEAD http://127.0.0.1:1/v2/typo/app/manifests/sha256:00: connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(
      unreachableText(refused, ['127.0.0.1:1'])?.message,
      'Cannot reach the registry 127.0.0.1:1: nothing answers there (connection refused). Check the address and that the registry is running.',
    );
    assert.equal(unreachableText(new Error('tags of x: not found'), ['127.0.0.1:1']), undefined);
    assert.equal(unreachableText(refused, []), undefined, 'a layout copy names no registry');
  });

  it('the core\'s command-line advice is put in the extension\'s terms', () => {
    let annotationError = '';
    try {
      parseAnnotationChanges(['no-equals-sign'], { allowRemove: false });
    } catch (err) {
      annotationError = (err as Error).message;
    }
    assert.match(annotationError, /--annotation/);
    assert.doesNotMatch(inOwnWords(annotationError), /--|manifold /);
    assert.equal(
      inOwnWords('GET https://127.0.0.1:5000/v2/: EPROTO: the server does not answer TLS; if it is a plain-HTTP registry, use --plain-http'),
      'GET https://127.0.0.1:5000/v2/: EPROTO: the server does not answer TLS; if it is a plain-HTTP registry, remove it and add it again as http://host:port',
    );
    assert.equal(
      inOwnWords('registry 127.0.0.1:5443: its TLS certificate is not signed by a CA this machine trusts: unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'),
      'registry 127.0.0.1:5443: its TLS certificate is not signed by a CA this machine trusts: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
    // A name the message quotes cannot reorder the notification's text.
    assert.equal(inOwnWords('/work/lay\u202eout: not an OCI image layout\nsee the log'), '/work/lay\\u202eout: not an OCI image layout\nsee the log');
  });
});
