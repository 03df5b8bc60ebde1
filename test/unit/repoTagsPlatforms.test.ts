// An index that lists one platform twice (`manifest index update --merge` makes one, as oras's does) runs on that
// platform once: a client pulls the first entry, never the second. `repo tags` lists the platform once, marked
// in its description (the table, the extension's rows) so the stray entry is seen; JSON lists it once.
import { strict as assert } from 'node:assert';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout } from './builders';

after(cleanupTemps);

describe('repo tags on an index listing a platform twice', () => {
  it('lists the platform once, marked "twice" (or "3 times") in the table; JSON lists each platform once', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const amdAgain = await makeImage(store, { arch: 'amd64', seed: 'rebuilt' });
    const amdThird = await makeImage(store, { arch: 'amd64', seed: 'third' });
    const arm = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd, amdAgain, arm]), 'dup');
    await store.tag(await makeIndex(store, [amd, amd]), 'same');
    await store.tag(await makeIndex(store, [amd, amdAgain, amdThird]), 'thrice');
    await store.tag(await makeIndex(store, [amd, arm]), 'plain');
    // One image serving two platforms is two platforms, not a duplicate.
    await store.tag(await makeIndex(store, [{ ...arm, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } }, { ...arm, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }]), 'shared');

    const table = await runCli('repo', 'tags', '--oci-layout', store.location);
    assert.equal(table.code, 0, table.stderr);
    const platformOf = Object.fromEntries(table.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/)).map(([t, , , p]) => [t, p]));
    assert.deepEqual(platformOf, {
      dup: 'multi-arch (linux/amd64 twice, linux/arm64)',
      same: 'index of one platform (linux/amd64 twice)',
      thrice: 'index of one platform (linux/amd64 3 times)',
      plain: 'multi-arch (linux/amd64, linux/arm64)',
      shared: 'multi-arch (linux/arm/v6, linux/arm/v7)',
    });

    const json = await runCli('repo', 'tags', '--oci-layout', store.location, '--format', 'json');
    const platforms = Object.fromEntries(JSON.parse(json.stdout).tags.map((t: { name: string; platforms: string[] }) => [t.name, t.platforms]));
    assert.deepEqual(platforms, {
      dup: ['linux/amd64', 'linux/arm64'],
      same: ['linux/amd64'],
      thrice: ['linux/amd64'],
      plain: ['linux/amd64', 'linux/arm64'],
      shared: ['linux/arm/v6', 'linux/arm/v7'],
    });
  });
});
