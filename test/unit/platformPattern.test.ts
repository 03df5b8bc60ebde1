import { strict as assert } from 'node:assert';
import type { Descriptor } from '../../src/oci/descriptor';
import { parsePlatform } from '../../src/oci/platform';
import { parsePlatformPattern, parsePlatformPatterns, platformPatternMatches, selectPlatformChildren } from '../../src/oci/platformPattern';

const child = (platform: string, n: number): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: n,
  platform: parsePlatform(platform),
});

describe('platform patterns', () => {
  const cases: Array<[string, string, boolean]> = [
    // exact, as a single --platform always was
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64', 'linux/amd64', false],
    // any architecture of one os
    ['linux/*', 'linux/amd64', true],
    ['linux/*', 'linux/arm/v7', true],
    ['linux/*', 'windows/amd64', false],
    // any os of one architecture, normalized as a request is
    ['*/arm64', 'linux/arm64/v8', true],
    ['*/arm64', 'linux/aarch64', true],
    ['*/aarch64', 'windows/arm64', true],
    ['*/arm64', 'linux/arm/v7', false],
    // any variant of one architecture
    ['linux/arm/*', 'linux/arm/v6', true],
    ['linux/arm/*', 'linux/arm/v7', true],
    ['linux/arm/*', 'linux/arm64/v8', false],
    ['linux/arm/v*', 'linux/arm/v5', true],
    // a glob inside a part
    ['linux/arm*', 'linux/arm64', true],
    ['linux/arm*', 'linux/arm/v7', true],
    ['linux/arm*', 'linux/amd64', false],
    ['windows/amd64:10.0.*', 'windows/amd64:10.0.17763.1', true],
    ['windows/amd64:10.0.*', 'windows/amd64', false],
    ['*/*', 'linux/s390x', true],
    // buildx attestation entries are no platform
    ['*/*', 'unknown/unknown', false],
    ['LINUX/*', 'linux/amd64', true],
  ];
  for (const [pattern, platform, ok] of cases) {
    it(`${pattern} ${ok ? 'matches' : 'does not match'} ${platform}`, () => {
      assert.equal(platformPatternMatches(parsePlatformPattern(pattern), parsePlatform(platform)), ok);
    });
  }

  it('tells exact values from wildcards', () => {
    assert.deepEqual(parsePlatformPattern('linux/arm/v7').exact, { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.equal(parsePlatformPattern('linux/*').exact, undefined);
  });

  const invalid: Array<[string, RegExp]> = [
    ['linux', /failed to parse platform "linux": no "\/"/],
    ['a/b/c/d', /failed to parse platform "a\/b\/c\/d": too many "\/"/],
    ['linux/', /failed to parse platform "linux\/": a part is empty/],
    ['/amd64', /a part is empty/],
    ['linux/amd64:', /failed to parse platform "linux\/amd64:": a part is empty/],
    ['linux/[ab]', /failed to parse platform "linux\/\[ab\]": "\[ab\]" has a character other than/],
    ['linux/amd?4', /"amd\?4" has a character other than .* the wildcard \*/],
    ['', /failed to parse platform "": no "\/"/],
  ];
  for (const [text, message] of invalid) {
    it(`refuses ${JSON.stringify(text)}, naming it`, () => assert.throws(() => parsePlatformPattern(text), message));
  }

  it('reads repeated values and comma lists, once each', () => {
    assert.deepEqual(
      parsePlatformPatterns(['linux/amd64,linux/arm64', 'linux/arm/*', 'linux/amd64']).map((p) => p.text),
      ['linux/amd64', 'linux/arm64', 'linux/arm/*'],
    );
    assert.throws(() => parsePlatformPatterns(['linux/amd64,']), /failed to parse platform list "linux\/amd64,": an empty item/);
    assert.throws(() => parsePlatformPatterns(['linux/amd64,bad']), /failed to parse platform "bad"/);
  });

  describe('picking children of an index', () => {
    const children = [child('linux/amd64', 1), child('linux/arm64', 2), child('linux/arm/v7', 3), child('linux/arm/v6', 4), child('windows/amd64', 5)];
    const attestation: Descriptor = { ...child('unknown/unknown', 6), annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': children[0]!.digest } };
    const all = [...children, attestation];
    const pick = (...values: string[]) => selectPlatformChildren(all, parsePlatformPatterns(values), 'sha256:idx').map((d) => d.size);

    it('a wildcard picks every match, in the index order', () => assert.deepEqual(pick('linux/arm/*'), [3, 4]));
    it('an exact platform picks its first match', () => assert.deepEqual(pick('linux/arm'), [3]));
    it('several values pick the union, in the index order', () => assert.deepEqual(pick('windows/*', 'linux/amd64'), [1, 5]));
    it('*/* picks every platform, never the attestation entry', () => assert.deepEqual(pick('*/*'), [1, 2, 3, 4, 5]));
    it('a value that matches nothing is named with the platforms the index has', () => {
      assert.throws(() => pick('linux/amd64', 'linux/s390x', 'darwin/*'), /no manifest for platform linux\/s390x, darwin\/\* in the index sha256:idx; it has linux\/amd64, linux\/arm64, linux\/arm\/v7, linux\/arm\/v6, windows\/amd64$/);
      assert.throws(() => pick('linux/s390x'), /no manifest for platform linux\/s390x in the index sha256:idx; it has linux\/amd64/);
    });
  });
});
