import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { decodeGoBase64 } from '../../src/oci/encoding/base64';
import {
  encodeDescriptor,
  encodeIndex,
  encodeManifest,
  goCompareKeys,
  goIndent,
  goQuote,
  goStringify,
  manifestSubjectEncoder,
} from '../../src/oci/encoding/goJson';
import { isOciError } from '../../src/oci/errors';
import { MediaType } from '../../src/oci/mediaType';

const ORAS_IMAGES = '/work/shared/peer-layouts/oras-images';
const D = (c: string) => `sha256:${c.repeat(64)}`;

// What `oras manifest index create` produces for these children of the oras e2e layout (digests given in the brief).
const EXPECTED: Array<[string[], string]> = [
  [['linux-amd64'], 'sha256:c543059818cb70e6442597a33454ec1e3d3a2bdb526c17875578d33c2ddcf72e'],
  [['linux-amd64', 'linux-arm64'], 'sha256:cce9590b1193d8bcb70467e2381dc81e77869be4801c09abe9bc274b6a1d2001'],
  [['linux-amd64', 'linux-arm64', 'linux-armv7'], 'sha256:84887718c9e61daa0f1996aad3ae2eb10db15dcbdab394e4b2dfee7967c55f2c'],
];

function orasIndex(children: Descriptor[]): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: children };
}

describe('goJson: oras index digests', () => {
  // The same children written out, so the digests are checked even where the shared layout is absent.
  const known: Record<string, Descriptor> = {
    'linux-amd64': {
      mediaType: MediaType.ImageManifest,
      digest: 'sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1',
      size: 458,
      platform: { architecture: 'amd64', os: 'linux' },
    },
    'linux-arm64': {
      mediaType: MediaType.ImageManifest,
      digest: 'sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c',
      size: 458,
      platform: { architecture: 'arm64', os: 'linux' },
    },
    'linux-armv7': {
      mediaType: MediaType.ImageManifest,
      digest: 'sha256:58efe73e78fe043ca31b89007a025c594ce12aa7e6da27d21c7b14b50112e255',
      size: 458,
      platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
    },
  };
  for (const [tags, digest] of EXPECTED) {
    it(`built descriptors [${tags.join(', ')}] encode to ${digest.slice(0, 19)}…`, () => {
      assert.equal(digestOf(encodeIndex(orasIndex(tags.map((t) => known[t]!)))), digest);
    });
  }

  if (!existsSync(join(ORAS_IMAGES, 'index.json'))) {
    console.log(`NOTE goJson: ${ORAS_IMAGES} is missing; the checks that read the peer layout are not registered.`);
    return;
  }

  // Reads the layout the way `oras manifest index create` does: the child's platform comes from its config.
  const blob = (digest: string) => readFileSync(join(ORAS_IMAGES, 'blobs', ...digest.split(':')));
  const layoutIndex = JSON.parse(readFileSync(join(ORAS_IMAGES, 'index.json'), 'utf8')) as ImageIndex;
  function childOf(tag: string): Descriptor {
    const entry = layoutIndex.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    assert.ok(entry, `tag ${tag} in ${ORAS_IMAGES}`);
    const manifest = JSON.parse(blob(entry.digest).toString('utf8')) as ImageManifest;
    const config = JSON.parse(blob(manifest.config.digest).toString('utf8')) as ImageConfig;
    const desc: Descriptor = { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
    if (config.architecture || config.os) {
      const platform: Platform = { architecture: config.architecture ?? '', os: config.os ?? '' };
      if (config['os.version']) platform['os.version'] = config['os.version'];
      if (config['os.features']) platform['os.features'] = config['os.features'];
      if (config.variant) platform.variant = config.variant;
      desc.platform = platform;
    }
    if (manifest.artifactType) desc.artifactType = manifest.artifactType;
    return desc;
  }

  for (const [tags, digest] of EXPECTED) {
    it(`children [${tags.join(', ')}] read from the oras layout encode to ${digest.slice(0, 19)}…`, () => {
      const children = tags.map(childOf);
      assert.deepEqual(children, tags.map((t) => known[t]));
      assert.equal(digestOf(encodeIndex(orasIndex(children))), digest);
    });
  }

  it('re-encodes the Go-written child manifests byte for byte', () => {
    for (const tag of ['linux-amd64', 'linux-arm64', 'linux-armv7', 'foobar']) {
      const entry = layoutIndex.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)!;
      const raw = blob(entry.digest);
      assert.equal(encodeManifest(JSON.parse(raw.toString('utf8')) as ImageManifest).toString('utf8'), raw.toString('utf8'), tag);
    }
  });
});

describe('goJson: a manifest written by Go (umoci 0.4.7, go1.19)', () => {
  // json.Encoder output (its trailing newline removed): HTML escapes, controls, DEL kept raw, U+2028, and map
  // keys U+FFFF and U+1F600, which Go orders by UTF-8 and JavaScript's sort would swap.
  const raw = Buffer.from(
    'eyJzY2hlbWFWZXJzaW9uIjoyLCJjb25maWciOnsibWVkaWFUeXBlIjoiYXBwbGljYXRpb24vdm5kLm9jaS5pbWFnZS5jb25maWcudjEranNvbiIsImRpZ2VzdCI6InNoYTI1NjowNDdhOTVkZDNjZjdhNDc1MTliNzk4ZDRlYjU1YTRiMDE3NGYxNjlkMDg0MzE4MDIwYjFiNTJjNTBhMWQ1OWI1Iiwic2l6ZSI6MjY3fSwibGF5ZXJzIjpbXSwiYW5ub3RhdGlvbnMiOnsiYS5rZXkiOiJ4Iiwiei5rZXkiOiJcdTAwM2NhXHUwMDI2Ylx1MDAzZSBcInFcIiBcXCB0YWJcdFx1MDAwMVx1MDAxZn8gw6kg8J+YgCBcdTIwMjgiLCLvv78iOiJmZmZmIiwi8J+YgCI6ImVtb2ppIn19',
    'base64',
  );
  it('re-encodes to the same bytes', () => {
    const parsed = JSON.parse(raw.toString('utf8')) as ImageManifest;
    assert.equal(encodeManifest(parsed).toString('utf8'), raw.toString('utf8'));
    assert.deepEqual(Object.keys(parsed.annotations!), ['a.key', 'z.key', '\uffff', '\u{1f600}']);
  });
});

describe('goJson: string escaping', () => {
  const cases: Array<[string, string, string]> = [
    ['plain', 'abc', '"abc"'],
    ['empty', '', '""'],
    ['HTML characters', '<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['short control escapes (Go >= 1.22 includes \\b and \\f)', '\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['other controls as lowercase \\u00XX', '\u0000\u0001\u000b\u001b\u001f', '"\\u0000\\u0001\\u000b\\u001b\\u001f"'],
    ['DEL and space kept', '\u007f ', '"\u007f "'],
    ['line and paragraph separators', 'a\u2028b\u2029c', '"a\\u2028b\\u2029c"'],
    ['non-ASCII kept raw', 'é€中', '"é€中"'],
    ['surrogate pair kept raw', '\u{1f600}', '"\u{1f600}"'],
    ['U+FFFD itself kept raw', '\ufffd', '"\ufffd"'],
    ['lone high surrogate', 'a\ud800b', '"a\\ufffdb"'],
    ['lone low surrogate', 'a\udc00', '"a\\ufffd"'],
    ['high surrogate at the end', '\ud83d', '"\\ufffd"'],
    ['reversed pair', '\ude00\ud83d', '"\\ufffd\\ufffd"'],
    ['slash not escaped', 'a/b', '"a/b"'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(goQuote(input), expected));
  }
  it('escapes the same way in keys, values and every typed field', () => {
    const desc: Descriptor = { mediaType: 'a/b', digest: D('a'), size: 1, annotations: { '<k>': '&v' }, urls: ['http://x/?a=1&b=2'] };
    assert.equal(
      encodeDescriptor(desc),
      `{"mediaType":"a/b","digest":"${D('a')}","size":1,"urls":["http://x/?a=1\\u0026b=2"],"annotations":{"\\u003ck\\u003e":"\\u0026v"}}`,
    );
  });
});

describe('goJson: key order and omitempty', () => {
  const platformCases: Array<[string, Platform, string]> = [
    ['required only', { architecture: 'amd64', os: 'linux' }, '{"architecture":"amd64","os":"linux"}'],
    [
      'all fields, in Go order whatever the input order',
      { variant: 'v7', 'os.features': ['f1'], 'os.version': '10.0', os: 'windows', architecture: 'arm' },
      '{"architecture":"arm","os":"windows","os.version":"10.0","os.features":["f1"],"variant":"v7"}',
    ],
    ['empty optionals omitted', { architecture: 'a', os: 'o', 'os.version': '', 'os.features': [], variant: '' }, '{"architecture":"a","os":"o"}'],
    ['empty required kept', { architecture: '', os: '' }, '{"architecture":"","os":""}'],
    ['features (reserved, not in the Go struct) dropped', { architecture: 'a', os: 'o', features: ['sse4'] }, '{"architecture":"a","os":"o"}'],
  ];
  for (const [name, platform, expected] of platformCases) {
    it(`platform: ${name}`, () => {
      const json = encodeDescriptor({ mediaType: 'a/b', digest: D('a'), size: 1, platform });
      assert.equal(json, `{"mediaType":"a/b","digest":"${D('a')}","size":1,"platform":${expected}}`);
    });
  }

  const base = `"digest":"${D('a')}"`;
  const descriptorCases: Array<[string, Descriptor, string]> = [
    ['minimal', { mediaType: 'a/b', digest: D('a'), size: 10 }, `{"mediaType":"a/b",${base},"size":10}`],
    ['size 0 written', { mediaType: 'a/b', digest: D('a'), size: 0 }, `{"mediaType":"a/b",${base},"size":0}`],
    ['empty mediaType written (not omitempty in image-spec v1.1)', { mediaType: '', digest: D('a'), size: 1 }, `{"mediaType":"",${base},"size":1}`],
    [
      'empty optionals omitted',
      { mediaType: 'a/b', digest: D('a'), size: 1, urls: [], annotations: {}, data: '', artifactType: '' },
      `{"mediaType":"a/b",${base},"size":1}`,
    ],
    [
      'every field, in Go order whatever the input order',
      {
        artifactType: 'x/y',
        platform: { architecture: 'amd64', os: 'linux' },
        data: 'e30=',
        annotations: { b: '2', a: '1' },
        urls: ['https://u'],
        size: 2,
        digest: D('a'),
        mediaType: 'a/b',
      },
      `{"mediaType":"a/b",${base},"size":2,"urls":["https://u"],"annotations":{"a":"1","b":"2"},"data":"e30=","platform":{"architecture":"amd64","os":"linux"},"artifactType":"x/y"}`,
    ],
    ['unknown fields dropped', { mediaType: 'a/b', digest: D('a'), size: 1, extra: 1 } as Descriptor, `{"mediaType":"a/b",${base},"size":1}`],
    ['data re-encoded canonically (Go keeps bytes)', { mediaType: 'a/b', digest: D('a'), size: 2, data: 'e3\r\n0=' }, `{"mediaType":"a/b",${base},"size":2,"data":"e30="}`],
  ];
  for (const [name, desc, expected] of descriptorCases) {
    it(`descriptor: ${name}`, () => assert.equal(encodeDescriptor(desc), expected));
  }

  const c = `{"mediaType":"${MediaType.Empty}","digest":"${D('c')}","size":2}`;
  const l = `{"mediaType":"${MediaType.ImageLayer}","digest":"${D('1')}","size":5}`;
  const s = `{"mediaType":"${MediaType.ImageManifest}","digest":"${D('5')}","size":7}`;
  const config: Descriptor = { mediaType: MediaType.Empty, digest: D('c'), size: 2 };
  const layer: Descriptor = { mediaType: MediaType.ImageLayer, digest: D('1'), size: 5 };
  const subject: Descriptor = { mediaType: MediaType.ImageManifest, digest: D('5'), size: 7 };
  const manifestCases: Array<[string, ImageManifest, string]> = [
    ['minimal: layers written even when empty', { schemaVersion: 2, config, layers: [] }, `{"schemaVersion":2,"config":${c},"layers":[]}`],
    ['missing layers written as []', { schemaVersion: 2, config } as ImageManifest, `{"schemaVersion":2,"config":${c},"layers":[]}`],
    ['null layers written as []', { schemaVersion: 2, config, layers: null } as unknown as ImageManifest, `{"schemaVersion":2,"config":${c},"layers":[]}`],
    [
      'every field, in Go order whatever the input order',
      {
        annotations: { 'org.z': 'z', 'org.a': 'a' },
        subject,
        layers: [layer],
        config,
        artifactType: 'application/x.t',
        mediaType: MediaType.ImageManifest,
        schemaVersion: 2,
      },
      `{"schemaVersion":2,"mediaType":"${MediaType.ImageManifest}","artifactType":"application/x.t","config":${c},"layers":[${l}],"subject":${s},"annotations":{"org.a":"a","org.z":"z"}}`,
    ],
    [
      'empty optionals omitted',
      { schemaVersion: 2, mediaType: '', artifactType: '', config, layers: [], annotations: {} },
      `{"schemaVersion":2,"config":${c},"layers":[]}`,
    ],
  ];
  for (const [name, manifest, expected] of manifestCases) {
    it(`manifest: ${name}`, () => assert.equal(encodeManifest(manifest).toString('utf8'), expected));
  }

  const indexCases: Array<[string, ImageIndex, string]> = [
    ['empty manifests written as []', { schemaVersion: 2, manifests: [] }, '{"schemaVersion":2,"manifests":[]}'],
    ['null manifests written as [] (never null)', { schemaVersion: 2, manifests: null } as unknown as ImageIndex, '{"schemaVersion":2,"manifests":[]}'],
    [
      'every field, in Go order whatever the input order',
      {
        annotations: { b: '', a: 'x' },
        subject,
        manifests: [layer, subject],
        artifactType: 'application/x.t',
        mediaType: MediaType.ImageIndex,
        schemaVersion: 2,
      },
      `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","artifactType":"application/x.t","manifests":[${l},${s}],"subject":${s},"annotations":{"a":"x","b":""}}`,
    ],
  ];
  for (const [name, index, expected] of indexCases) {
    it(`index: ${name}`, () => assert.equal(encodeIndex(index).toString('utf8'), expected));
  }

  it('refuses what Go could not hold', () => {
    const bad: Array<[string, () => unknown]> = [
      ['fractional size', () => encodeDescriptor({ mediaType: 'a/b', digest: D('a'), size: 1.5 })],
      ['unsafe size', () => encodeDescriptor({ mediaType: 'a/b', digest: D('a'), size: 2 ** 60 })],
      ['non-string annotation', () => encodeDescriptor({ mediaType: 'a/b', digest: D('a'), size: 1, annotations: { a: 1 as unknown as string } })],
      ['bad base64 data', () => encodeDescriptor({ mediaType: 'a/b', digest: D('a'), size: 1, data: 'e30' })],
      ['NaN in any value', () => goStringify({ a: NaN })],
    ];
    for (const [name, f] of bad) assert.throws(f, (e: unknown) => isOciError(e, 'INVALID_ARGUMENT'), name);
  });
});

describe('goJson: manifestSubjectEncoder (one encoding around many subjects)', () => {
  it('writes the bytes encodeManifest writes, for each subject and for none', () => {
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.test+<json>',
      config: { mediaType: MediaType.Empty, digest: D('4'), size: 2, data: 'e30=', annotations: { z: '1', a: '&' } },
      layers: [{ mediaType: 'text/plain', digest: D('5'), size: 7, annotations: { 'org.opencontainers.image.title': 'a "b".txt' } }],
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z', b: 'x', a: 'y' },
    };
    const encode = manifestSubjectEncoder(manifest);
    const subjects: Descriptor[] = [
      { mediaType: MediaType.ImageManifest, digest: D('a'), size: 10 },
      { mediaType: MediaType.ImageIndex, digest: D('b'), size: 2000, platform: { architecture: 'arm64', os: 'linux' } as Platform, annotations: { k: 'v' } },
    ];
    for (const subject of subjects) assert.equal(encode(subject).toString('utf8'), encodeManifest({ ...manifest, subject }).toString('utf8'));
    assert.equal(encode(undefined).toString('utf8'), encodeManifest(manifest).toString('utf8'));
    assert.match(encode(subjects[0]).toString('utf8'), /"layers":\[.*\],"subject":\{"mediaType":"application\/vnd\.oci\.image\.manifest\.v1\+json","digest":"sha256:a{64}","size":10\},"annotations":\{"a":"y","b":"x",/);
  });
});

describe('goJson: sorted map keys', () => {
  const cases: Array<[string[], string[]]> = [
    [['b', 'a', 'C'], ['C', 'a', 'b']],
    [['org.opencontainers.image.title', 'org.opencontainers.image.created', 'com.example'], ['com.example', 'org.opencontainers.image.created', 'org.opencontainers.image.title']],
    [['ab', 'a', ''], ['', 'a', 'ab']],
    // UTF-8 order: U+E000 and U+FFFF before U+10000 (JavaScript's default sort puts the astral one first).
    [['\u{10000}', '\uffff', '\ue000', 'é'], ['é', '\ue000', '\uffff', '\u{10000}']],
  ];
  for (const [input, expected] of cases) {
    it(`orders ${JSON.stringify(input)}`, () => {
      assert.deepEqual([...input].sort(goCompareKeys), expected);
      const annotations = Object.fromEntries(input.map((k) => [k, 'v']));
      const json = encodeDescriptor({ mediaType: 'a/b', digest: D('a'), size: 1, annotations });
      assert.ok(json.includes(`"annotations":{${expected.map((k) => `${goQuote(k)}:"v"`).join(',')}}`));
    });
  }
});

describe('goJson: pretty output', () => {
  it('indents as `oras manifest fetch --pretty` prints, with one final newline', () => {
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: MediaType.ImageIndex,
      manifests: [{ mediaType: MediaType.ImageManifest, digest: D('a'), size: 3, platform: { architecture: 'amd64', os: 'linux' } }],
      annotations: { 'x<': '[a, {b: c}]' },
    };
    const expected = [
      '{',
      '  "schemaVersion": 2,',
      `  "mediaType": "${MediaType.ImageIndex}",`,
      '  "manifests": [',
      '    {',
      `      "mediaType": "${MediaType.ImageManifest}",`,
      `      "digest": "${D('a')}",`,
      '      "size": 3,',
      '      "platform": {',
      '        "architecture": "amd64",',
      '        "os": "linux"',
      '      }',
      '    }',
      '  ],',
      '  "annotations": {',
      '    "x\\u003c": "[a, {b: c}]"',
      '  }',
      '}',
      '',
    ].join('\n');
    assert.equal(encodeIndex(index, { pretty: true }).toString('utf8'), expected);
    // Pretty and compact are the same document.
    assert.deepEqual(JSON.parse(encodeIndex(index, { pretty: true }).toString()), JSON.parse(encodeIndex(index).toString()));
  });

  const indentCases: Array<[string, string, string]> = [
    ['empty containers stay on one line', '{"a":[],"b":{}}', '{\n  "a": [],\n  "b": {}\n}'],
    ['scalars', '[1,true,null,"s"]', '[\n  1,\n  true,\n  null,\n  "s"\n]'],
    ['nested arrays', '[[1],[[]]]', '[\n  [\n    1\n  ],\n  [\n    []\n  ]\n]'],
    ['strings with brackets, escaped quotes and backslashes', '{"k\\"{":"\\\\","v":"a,b:c]"}', '{\n  "k\\"{": "\\\\",\n  "v": "a,b:c]"\n}'],
    ['whitespace in the input dropped', ' { "a" : [ 1 , 2 ] } ', '{\n  "a": [\n    1,\n    2\n  ]\n}'],
    ['bare scalar', '"x"', '"x"'],
  ];
  for (const [name, input, expected] of indentCases) {
    it(`goIndent: ${name}`, () => assert.equal(goIndent(input), expected));
  }
  it('goIndent: prefix starts every line but the first', () => {
    assert.equal(goIndent('{"a":1}', '>', '\t'), '{\n>\t"a": 1\n>}');
  });
  it('encodeDescriptor and encodeManifest take the option too', () => {
    const desc: Descriptor = { mediaType: 'a/b', digest: D('a'), size: 1 };
    assert.equal(encodeDescriptor(desc, { pretty: true }), `{\n  "mediaType": "a/b",\n  "digest": "${D('a')}",\n  "size": 1\n}\n`);
    const m = encodeManifest({ schemaVersion: 2, config: desc, layers: [] }, { pretty: true }).toString();
    assert.ok(m.endsWith('  "layers": []\n}\n'), m);
  });
});

describe('goJson: goStringify (values as Go marshals interface{})', () => {
  const cases: Array<[string, unknown, string]> = [
    ['objects as maps, keys sorted', { b: 1, a: { d: [], c: {} } }, '{"a":{"c":{},"d":[]},"b":1}'],
    ['numbers as Go float64', [0, -0, 1.5, 1e-7, 123456789012, 1e21, -2.5e-10], '[0,-0,1.5,1e-7,123456789012,1e+21,-2.5e-10]'],
    ['null, booleans, undefined keys dropped', { a: null, b: true, c: false, d: undefined }, '{"a":null,"b":true,"c":false}'],
    ['undefined in arrays as null', [undefined], '[null]'],
    ['bytes as base64', { d: Buffer.from('{}') }, '{"d":"e30="}'],
    ['escaping applies to keys', { '<': '>' }, '{"\\u003c":"\\u003e"}'],
  ];
  for (const [name, value, expected] of cases) {
    it(name, () => assert.equal(goStringify(value), expected));
  }
});

describe('decodeGoBase64 (descriptor data as Go reads it)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['e30=', '{}'],
    ['', ''],
    ['YWJj', 'abc'],
    ['YQ==', 'a'],
    ['YW\r\nJj', 'abc'],
    ['e30', undefined], // padding is required
    ['e30=e30=', undefined],
    ['e3 0=', undefined],
    ['e3-0', undefined], // URL alphabet is not StdEncoding
    ['====', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected === undefined ? 'refused' : JSON.stringify(expected)}`, () => {
      assert.equal(decodeGoBase64(input)?.toString('utf8'), expected);
    });
  }
});
