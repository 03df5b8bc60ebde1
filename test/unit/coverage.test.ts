import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coverageTable, EXIT_MISSING_KINDS } from '../../src/cli/commands/coverage';
import { isOciError } from '../../src/oci/errors';
import {
  BUILTIN_KINDS,
  cosignTag,
  coverageGaps,
  globMatches,
  isDockerReferenceEntry,
  KindTable,
  parseCosignTag,
  parseKindDefinitions,
  referrerCoverage,
} from '../../src/oci/referrers';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout, pushManifest, tempDir } from './builders';
import { cosignTagOf, makeBuildxAttestation, makeCosignManifest, makeReleaseLayout, type ReleaseLayout, short, SLSA, SPDX } from './coverageLayout';

after(cleanupTemps);

describe('referrer kinds', () => {
  const table = new KindTable();
  const kindOf = (artifactType: string | undefined, more: { annotations?: Record<string, string>; predicateTypes?: string[]; configMediaType?: string } = {}) =>
    table.classify({ artifactType, ...more });

  it('tells each built-in kind from its artifact type', () => {
    const cases: Array<[string, string]> = [
      ['application/vnd.cncf.notary.signature', 'signature'],
      ['application/vnd.dev.cosign.artifact.sig.v1+json', 'signature'],
      ['application/vnd.dev.sigstore.bundle.v0.3+json', 'signature'],
      ['application/vnd.dev.sigstore.bundle.v0.4+json', 'signature'],
      ['application/vnd.dev.sigstore.bundle.v1.0+json', 'signature'],
      ['application/spdx+json', 'sbom'],
      ['text/spdx', 'sbom'],
      ['application/vnd.cyclonedx+json', 'sbom'],
      ['application/vnd.in-toto+json', 'provenance'],
      ['application/vnd.dsse.envelope.v1+json', 'provenance'],
      ['application/vnd.microsoft.artifact.lifecycle', 'end-of-life'],
      ['application/vnd.example.lifecycle+json', 'end-of-life'],
    ];
    for (const [type, kind] of cases) assert.deepEqual(kindOf(type), [kind], type);
  });

  it('reads the in-toto predicate types before the envelope type: SPDX and CycloneDX are SBOMs, SLSA is provenance', () => {
    assert.deepEqual(kindOf('application/vnd.in-toto+json', { predicateTypes: [SPDX] }), ['sbom']);
    assert.deepEqual(kindOf('application/vnd.in-toto+json', { predicateTypes: ['https://spdx.dev/Document/v2.3'] }), ['sbom']);
    assert.deepEqual(kindOf('application/vnd.in-toto+json', { predicateTypes: ['https://cyclonedx.org/bom/v1.5'] }), ['sbom']);
    assert.deepEqual(kindOf(undefined, { configMediaType: 'application/vnd.oci.image.config.v1+json', predicateTypes: [SLSA] }), ['provenance']);
    // A buildx attestation manifest with both layers is both.
    assert.deepEqual(kindOf(undefined, { predicateTypes: [SPDX, SLSA] }), ['sbom', 'provenance']);
    // A Sigstore bundle says its predicate in an annotation: the bundle of an SPDX attestation is an SBOM.
    const bundle = table.classify({ artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', predicateTypes: [SPDX] });
    assert.deepEqual(bundle, ['sbom']);
    // An in-toto statement of an unknown predicate is still an attestation.
    assert.deepEqual(kindOf('application/vnd.in-toto+json', { predicateTypes: ['https://example.com/vuln/v1'] }), ['provenance']);
  });

  it('end-of-life by an annotation key ending in end-of-life.date, whatever the type', () => {
    assert.deepEqual(kindOf('application/vnd.example.note', { annotations: { 'vnd.microsoft.artifact.lifecycle.end-of-life.date': '2027-01-01' } }), ['end-of-life']);
    assert.deepEqual(kindOf('application/vnd.example.note', { annotations: { 'end-of-life.date': '2027-01-01' } }), ['end-of-life']);
    assert.deepEqual(kindOf('application/vnd.example.note', { annotations: { 'org.example.end-of-life.date.note': 'x' } }), []);
  });

  it('uses the config media type when there is no artifact type, and leaves unknown types to other', () => {
    assert.deepEqual(kindOf(undefined, { configMediaType: 'application/vnd.cncf.notary.signature' }), ['signature']);
    assert.deepEqual(kindOf(undefined, { configMediaType: 'application/vnd.oci.image.config.v1+json' }), []);
    assert.deepEqual(kindOf('application/vnd.example.readme'), []);
    assert.deepEqual(kindOf(undefined), []);
    // Sigstore bundles before v0.3 had no such media type; a look-alike is not taken for one.
    assert.deepEqual(kindOf('application/vnd.dev.sigstore.bundle+json;version=0.1'), []);
    assert.deepEqual(kindOf('application/vnd.cncf.notary.signature.v2'), []);
  });

  it('matches `*` as any run of characters and everything else literally', () => {
    assert.ok(globMatches('application/vnd.in-toto+json', 'application/vnd.in-toto+json'));
    assert.ok(!globMatches('application/vnd.in-toto+json', 'application/vnd.in-totoxjson'));
    assert.ok(globMatches('*end-of-life.date', 'a.b.end-of-life.date'));
    assert.ok(!globMatches('a.b', 'aXb'));
  });

  it('user kinds: a new id is a column after the built-in ones; theirs are tried first; a built-in id gains patterns', () => {
    const user = new KindTable(
      parseKindDefinitions(
        {
          kinds: [
            { id: 'vex', title: 'VEX', artifactTypes: ['application/vnd.openvex+json'], predicateTypes: ['https://openvex.dev/ns*'] },
            { id: 'vuln-scan', predicateTypes: ['https://cosign.sigstore.dev/attestation/vuln/v1'] },
            { id: 'signature', artifactTypes: ['application/vnd.example.sig'] },
          ],
        },
        'kinds.json',
      ),
    );
    assert.deepEqual(user.columns, [
      { id: 'signature', title: 'SIGNATURE' },
      { id: 'sbom', title: 'SBOM' },
      { id: 'provenance', title: 'PROVENANCE' },
      { id: 'end-of-life', title: 'END-OF-LIFE' },
      { id: 'vex', title: 'VEX' },
      { id: 'vuln-scan', title: 'VULN-SCAN' },
    ]);
    assert.deepEqual(user.classify({ artifactType: 'application/vnd.openvex+json' }), ['vex']);
    assert.deepEqual(user.classify({ artifactType: 'application/vnd.in-toto+json', predicateTypes: ['https://openvex.dev/ns/v0.2.0'] }), ['vex']);
    // Without the user's kind the vulnerability scan is an attestation; with it, the user's kind wins.
    assert.deepEqual(table.classify({ artifactType: 'application/vnd.in-toto+json', predicateTypes: ['https://cosign.sigstore.dev/attestation/vuln/v1'] }), ['provenance']);
    assert.deepEqual(user.classify({ artifactType: 'application/vnd.in-toto+json', predicateTypes: ['https://cosign.sigstore.dev/attestation/vuln/v1'] }), ['vuln-scan']);
    assert.deepEqual(user.classify({ artifactType: 'application/vnd.example.sig' }), ['signature']);
    assert.deepEqual(user.classify({ artifactType: 'application/spdx+json' }), ['sbom']);
    assert.ok(user.has('vex') && !user.has('other'));
    // The same definitions as an extension setting would pass them: the array alone.
    assert.deepEqual(parseKindDefinitions([{ id: 'vex', artifactTypes: ['application/vnd.openvex+json'] }], 'setting'), [{ id: 'vex', artifactTypes: ['application/vnd.openvex+json'] }]);
  });

  it('rejects a malformed kinds file naming the JSON path', () => {
    const bad: Array<[unknown, string]> = [
      [{ kind: [] }, 'kinds.json: $.kind: unknown field (expected only "kinds")'],
      [{ kinds: {} }, 'kinds.json: $.kinds: expected an array of kinds'],
      [[{ id: 'VEX', artifactTypes: ['a/b'] }], 'kinds.json: $[0].id: expected a lower-case word (a-z, 0-9, ".", "_", "-")'],
      [[{ id: 'other', artifactTypes: ['a/b'] }], 'kinds.json: $[0].id: "other" is what matches no kind; choose another id'],
      [[{ id: 'vex', artifactTypes: ['a/b'] }, { id: 'vex', artifactTypes: ['c/d'] }], 'kinds.json: $[1].id: "vex" is defined twice'],
      [[{ id: 'vex' }], 'kinds.json: $[0]: a new kind needs artifactTypes, predicateTypes or annotationKeys'],
      [[{ id: 'vex', artifactTypes: 'a/b' }], 'kinds.json: $[0].artifactTypes: expected an array of non-empty strings'],
      [[{ id: 'vex', artifactTypes: ['a/b'], colour: 'red' }], 'kinds.json: $[0].colour: unknown field'],
    ];
    for (const [value, message] of bad) {
      assert.throws(() => parseKindDefinitions(value, 'kinds.json'), (err) => isOciError(err, 'INVALID_ARGUMENT') && err.message === message, message);
    }
  });

  it('the built-in table is the one the README documents, in the order of its columns', () => {
    assert.deepEqual(BUILTIN_KINDS.map((k) => k.id), ['signature', 'sbom', 'provenance', 'end-of-life']);
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const kind of BUILTIN_KINDS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${kind.id}\``));
      assert.ok(row, `README has no row for ${kind.id}`);
      const [, , types = '', predicates = '', keys = ''] = row.split('|');
      assert.deepEqual(codes(types), kind.artifactTypes ?? [], kind.id);
      assert.deepEqual(codes(predicates), kind.predicateTypes ?? [], kind.id);
      assert.deepEqual(codes(keys), kind.annotationKeys ?? [], kind.id);
    }
  });
});

describe('what counts as attached', () => {
  it("cosign's tag scheme: sha256-<hex>.sig, .att, .sbom, nothing else", () => {
    const hex = 'a'.repeat(64);
    assert.deepEqual(parseCosignTag(`sha256-${hex}.sig`), { digest: `sha256:${hex}`, suffix: 'sig' });
    assert.deepEqual(parseCosignTag(`sha256-${hex}.att`), { digest: `sha256:${hex}`, suffix: 'att' });
    assert.deepEqual(parseCosignTag(`sha256-${hex}.sbom`), { digest: `sha256:${hex}`, suffix: 'sbom' });
    assert.equal(parseCosignTag(`sha256-${hex}`), undefined);
    assert.equal(parseCosignTag(`sha256-${hex}.meta`), undefined);
    assert.equal(parseCosignTag(`sha256-${hex.slice(1)}.sig`), undefined);
    assert.equal(cosignTag(`sha256:${hex}`, 'att'), `sha256-${hex}.att`);
  });

  it('buildx entries name their platform by vnd.docker.reference.digest; a plain unknown/unknown child is not one', () => {
    const platform = { architecture: 'unknown', os: 'unknown' };
    const d = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 1, platform };
    assert.ok(isDockerReferenceEntry({ ...d, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': `sha256:${'c'.repeat(64)}` } }));
    assert.ok(!isDockerReferenceEntry(d));
    assert.ok(!isDockerReferenceEntry({ ...d, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }));
  });
});

describe('attestations as referrers', () => {
  it('an image-config manifest with in-toto layers and a subject (buildx attestations pushed as referrers) is classified by its layers', async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'ppc64le' });
    await store.tag(image, 'v1');
    const att = await makeBuildxAttestation(store, image, [SLSA]);
    const raw = JSON.parse((await store.fetchBytes(att)).toString('utf8'));
    const withSubject = await pushManifest(store, { ...raw, subject: { mediaType: image.mediaType, digest: image.digest, size: image.size } });
    const report = await referrerCoverage(store, 'v1');
    assert.deepEqual(report.rows[0]!.artifacts.map((a) => [a.digest, a.kinds, a.via]), [[withSubject.digest, ['provenance'], ['referrers']]]);
  });
});

describe('cosign tags', () => {
  it('.sig is a signature, .sbom an SBOM, .att an attestation whose predicate type may make it an SBOM', async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'riscv64' });
    await store.tag(image, 'v1');
    const tagged = async (suffix: 'sig' | 'att' | 'sbom', layerType: string, annotations: Record<string, string> = {}) => {
      const d = await makeCosignManifest(store, layerType, `${suffix} ${JSON.stringify(annotations)}`, annotations);
      await store.tag(d, cosignTagOf(image, suffix));
      return d;
    };
    const sbom = await tagged('sbom', 'text/spdx');
    const att = await tagged('att', 'application/vnd.dsse.envelope.v1+json', { predicateType: SLSA });
    const report = await referrerCoverage(store, 'v1');
    assert.deepEqual(report.rows[0]!.counts, { signature: 0, sbom: 1, provenance: 1, 'end-of-life': 0, other: 0 });
    assert.deepEqual(
      report.rows[0]!.artifacts.map((a) => [a.digest, a.kinds, a.tag]),
      [
        [sbom.digest, ['sbom'], cosignTagOf(image, 'sbom')],
        [att.digest, ['provenance'], cosignTagOf(image, 'att')],
      ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
    // An attestation without a predicate type it can read is still an attestation; a signature is one whatever is inside.
    await tagged('att', 'application/vnd.dsse.envelope.v1+json');
    await tagged('sig', 'application/octet-stream');
    const again = await referrerCoverage(store, 'v1');
    assert.deepEqual(again.rows[0]!.counts, { signature: 1, sbom: 1, provenance: 1, 'end-of-life': 0, other: 0 });
  });
});

describe('referrer coverage of a release layout', () => {
  let l: ReleaseLayout;
  let ref: string;
  before(async () => {
    l = await makeReleaseLayout();
    ref = `${l.store.location}:v1`;
  });

  const expectedTable = () =>
    [
      'IMAGE                                  SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE          OTHER',
      `index ${short(l.index)}           1          -     -           1 ends 2099-01-01    -`,
      `linux/amd64 ${short(l.amd64)}     1          1     1           1 passed 2020-01-31  -`,
      `linux/arm64/v8 ${short(l.arm64)}  -          2     1           -                    1`,
      '',
    ].join('\n');

  it('counts each kind per manifest: referrers, buildx attestations (never a platform row) and cosign tags', async () => {
    const report = await referrerCoverage(l.store, 'v1');
    assert.deepEqual(report.rows.map((r) => r.desc.digest), [l.index.digest, l.amd64.digest, l.arm64.digest]);
    assert.equal(coverageTable(report), expectedTable());
    const r = await runCli('coverage', '--oci-layout', ref);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, expectedTable(), '']);
  });

  it('tells each platform what it lacks that a sibling or the index carries', async () => {
    const gaps = coverageGaps(await referrerCoverage(l.store, 'v1'));
    assert.deepEqual([...gaps], [
      [l.amd64.digest, []],
      [l.arm64.digest, ['signature', 'end-of-life']],
    ]);
  });

  it('writes the documented JSON', async () => {
    const r = await runCli('coverage', '--oci-layout', ref, '--format', 'json', '--require', 'sbom');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    const path = l.store.location;
    assert.deepEqual(Object.keys(json), ['version', 'reference', 'mediaType', 'digest', 'kinds', 'manifests', 'required', 'missing']);
    assert.equal(json.version, 1);
    assert.equal(json.reference, `${path}@${l.index.digest}`);
    assert.deepEqual(json.kinds.map((k: { id: string }) => k.id), ['signature', 'sbom', 'provenance', 'end-of-life']);
    assert.deepEqual(json.required, ['sbom']);
    assert.deepEqual(json.missing, []);
    const manifest = 'application/vnd.oci.image.manifest.v1+json';
    assert.deepEqual(json.manifests[1], {
      label: 'linux/amd64',
      reference: `${path}@${l.amd64.digest}`,
      mediaType: manifest,
      digest: l.amd64.digest,
      platform: { architecture: 'amd64', os: 'linux' },
      position: [1],
      index: false,
      counts: { signature: 1, sbom: 1, provenance: 1, 'end-of-life': 1, other: 0 },
      endOfLife: { state: 'passed', date: '2020-01-31' },
      artifacts: [
        { digest: l.artifacts.notice!.digest, mediaType: manifest, artifactType: 'application/vnd.example.notice', kinds: ['end-of-life'], via: ['referrers'] },
        { digest: l.artifacts.attAmd64!.digest, mediaType: manifest, kinds: ['sbom', 'provenance'], via: ['buildx'] },
        { digest: l.artifacts.cosignSig!.digest, mediaType: manifest, kinds: ['signature'], via: ['cosign-tag'], tag: l.cosignTags[0] },
      ],
    });
    assert.deepEqual(json.manifests[2].artifacts.map((a: { kinds: string[]; other?: string; via: string[] }) => [a.kinds, a.other, a.via]), [
      // By how they were found, then by digest.
      [['other'], 'application/vnd.example.readme', ['referrers']],
      [['sbom'], undefined, ['referrers']],
      [['provenance'], undefined, ['buildx']],
      [['sbom'], undefined, ['cosign-tag']],
    ]);
    assert.deepEqual([json.manifests[0].label, json.manifests[0].index, json.manifests[0].position], ['index', true, []]);
    // Each end-of-life cell's earliest date as written and its standing; none on a row without end-of-life artifacts.
    assert.deepEqual(json.manifests.map((m: { endOfLife?: unknown }) => m.endOfLife), [{ state: 'later', date: '2099-01-01T00:00:00Z' }, { state: 'passed', date: '2020-01-31' }, undefined]);
  });

  it(`--require exits ${EXIT_MISSING_KINDS} naming each platform manifest and kind missing; the index is not required`, async () => {
    assert.equal(EXIT_MISSING_KINDS, 3);
    const r = await runCli('coverage', '--oci-layout', ref, '--require', 'signature,sbom', '--require', 'end-of-life');
    assert.equal(r.code, 3);
    assert.equal(r.stdout, expectedTable());
    const at = (d: { digest: string }) => `${l.store.location}@${d.digest}`;
    assert.equal(
      r.stderr,
      [
        `missing signature: linux/arm64/v8 ${at(l.arm64)}`,
        `missing end-of-life: linux/arm64/v8 ${at(l.arm64)}`,
        // Present, so not missing, but said: amd64's end of life has passed.
        'Note: linux/amd64: end-of-life present, but its date 2020-01-31 has passed: counted as present',
        'Error: 2 required referrers missing (signature, sbom, end-of-life required on every platform manifest)',
        '',
      ].join('\n'),
    );
    const json = await runCli('coverage', '--oci-layout', ref, '--require', 'signature', '--format', 'json');
    assert.equal(json.code, 3);
    assert.deepEqual(JSON.parse(json.stdout).missing, [{ label: 'linux/arm64/v8', digest: l.arm64.digest, kind: 'signature' }]);
    // Kinds the index lacks (SBOM, provenance) are not asked of it.
    assert.equal((await runCli('coverage', '--oci-layout', ref, '--require', 'sbom,provenance')).code, 0);
  });

  it('an unknown kind in --require is a usage error (exit 1), not a gate failure', async () => {
    const r = await runCli('coverage', '--oci-layout', ref, '--require', 'signature,vex');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: --require vex: unknown kind; kinds are signature, sbom, provenance, end-of-life\n/);
  });

  it('--kinds FILE adds a column, and the artifact it names is no longer other', async () => {
    const dir = tempDir();
    const file = join(dir, 'kinds.json');
    writeFileSync(file, JSON.stringify({ kinds: [{ id: 'readme', title: 'README', artifactTypes: ['application/vnd.example.readme'] }] }));
    const r = await runCli('coverage', '--oci-layout', ref, '--kinds', file, '--require', 'readme');
    assert.equal(r.code, 3);
    assert.equal(
      r.stdout,
      [
        'IMAGE                                  SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE          README',
        `index ${short(l.index)}           1          -     -           1 ends 2099-01-01    -`,
        `linux/amd64 ${short(l.amd64)}     1          1     1           1 passed 2020-01-31  -`,
        `linux/arm64/v8 ${short(l.arm64)}  -          2     1           -                    1`,
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr.split('\n')[0], `missing readme: linux/amd64 ${l.store.location}@${l.amd64.digest}`);
    writeFileSync(file, '{"kinds": [{"id": "readme"}]}');
    const bad = await runCli('coverage', '--oci-layout', ref, '--kinds', file);
    assert.deepEqual([bad.code, bad.stderr], [1, `Error: ${file}: $.kinds[0]: a new kind needs artifactTypes, predicateTypes or annotationKeys\n`]);
  });

  it("--kinds FILE: a title holding an override and a tab heads its column quoted and escaped; JSON keeps it as written", async () => {
    const dir = tempDir();
    const file = join(dir, 'kinds.json');
    // The override would turn the rest of the header line round; the tab would move the columns after it.
    const title = 'Read\u202e\tme';
    writeFileSync(file, JSON.stringify({ kinds: [{ id: 'readme', title, artifactTypes: ['application/vnd.example.readme'] }, { id: 'vex', title: 'Prüfung', artifactTypes: ['application/vnd.openvex+json'] }] }));
    const r = await runCli('coverage', '--oci-layout', ref, '--kinds', file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'IMAGE                                  SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE          "Read\\u202e\\tme"  Prüfung',
        `index ${short(l.index)}           1          -     -           1 ends 2099-01-01    -                 -`,
        `linux/amd64 ${short(l.amd64)}     1          1     1           1 passed 2020-01-31  -                 -`,
        `linux/arm64/v8 ${short(l.arm64)}  -          2     1           -                    1                 -`,
        '',
      ].join('\n'),
    );
    const json = await runCli('coverage', '--oci-layout', ref, '--kinds', file, '--format', 'json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).kinds.slice(4), [
      { id: 'readme', title },
      { id: 'vex', title: 'Prüfung' },
    ]);
  });

  it('a single image is its own row, labelled by the platform its config declares, and is required to carry the kinds', async () => {
    const one = await runCli('coverage', '--oci-layout', `${l.store.location}@${l.arm64.digest}`, '--require', 'sbom,signature');
    assert.equal(one.code, 3);
    assert.equal(
      one.stdout,
      ['IMAGE                                  SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE  OTHER', `linux/arm64/v8 ${short(l.arm64)}  -          2     -           -            1`, ''].join('\n'),
    );
    assert.equal(one.stderr.split('\n')[0], `missing signature: linux/arm64/v8 ${l.store.location}@${l.arm64.digest}`);
    // Without its index, the buildx attestation that names it is not found: only referrers and cosign tags are.
    assert.equal((await runCli('coverage', '--oci-layout', `${l.store.location}@${l.amd64.digest}`, '--require', 'signature')).code, 0);
  });

  it('walks nested indexes, each manifest once', async () => {
    const other = await makeImage(l.store, { arch: 's390x' });
    // The release index twice and the s390x image twice: each row once, at its first place.
    const outer = await makeIndex(l.store, [l.index, other, l.index, other]);
    await l.store.tag(outer, 'outer');
    const r = await runCli('coverage', '--oci-layout', `${l.store.location}:outer`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'IMAGE                                        SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE          OTHER',
        `index ${short(outer)}                 -          -     -           -                    -`,
        `[1] index ${short(l.index)}             1          -     -           1 ends 2099-01-01    -`,
        `[1.1] linux/amd64 ${short(l.amd64)}     1          1     1           1 passed 2020-01-31  -`,
        `[1.2] linux/arm64/v8 ${short(l.arm64)}  -          2     1           -                    1`,
        `linux/s390x ${short(other)}           -          -     -           -                    -`,
        '',
      ].join('\n'),
    );
  });
});
