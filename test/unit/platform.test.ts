import { strict as assert } from 'node:assert';
import { formatPlatform, parsePlatform, platformMatches } from '../../src/oci/platform';

describe('platform', () => {
  const roundTrips = ['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8', 'windows/amd64:10.0.17763.1'];
  for (const text of roundTrips) {
    it(`parses and formats ${text}`, () => assert.equal(formatPlatform(parsePlatform(text)), text));
  }
  it('keeps os.version', () => {
    assert.deepEqual(parsePlatform('windows/amd64:10.0.1'), { architecture: 'amd64', os: 'windows', 'os.version': '10.0.1' });
  });
  for (const bad of ['linux', 'linux/', '/amd64', 'a/b/c/d', 'linux/amd64:', '']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parsePlatform(bad), /failed to parse platform/));
  }
  const matches: Array<[string, string, boolean]> = [
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm64', 'linux/aarch64', true],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/amd64', 'windows/amd64', false],
  ];
  for (const [want, have, ok] of matches) {
    it(`${want} ${ok ? 'matches' : 'does not match'} ${have}`, () => assert.equal(platformMatches(parsePlatform(want), parsePlatform(have)), ok));
  }
});
