// What damagedBlobVerifyRandom.test.ts damages verify-blob's inputs with: a bundle's JSON or one encoded field's
// bytes, a trusted root's DER, a PEM public key, the classic base64 signature. Take `random` from seededRandom.
import { mutateBytes, mutateDer } from './byteMutations';
import { mutateJson } from './jsonMutations';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;


/** Every base64 DER in a trusted root (certificates, public keys): where mutateDer may strike. */
export function rawBytesPlaces(doc: Json): Array<{ holder: Json; at: string }> {
  const out: Array<{ holder: Json; at: string }> = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'rawBytes' && typeof x === 'string') out.push({ holder: v as Json, at: `${at}.${k}` });
        else walk(x, `${at}.${k}`);
      }
    }
  };
  walk(doc, '$');
  return out;
}

/** The fields of a bundle that hold base64 (DER, signatures, hashes, JSON bodies), and the checkpoint's text. */
const ENCODED = new Set(['rawBytes', 'signedEntryTimestamp', 'canonicalizedBody', 'rootHash', 'hashes', 'signedTimestamp', 'signature', 'digest', 'payload', 'sig', 'keyId', 'envelope']);

/**
 * A bundle damaged: half the seeds its JSON (mutateJson), half one encoded field's bytes: DER by its structure, a
 * JSON body (Rekor's) by mutateJson, other bytes (signatures, hashes, the checkpoint's text) by mutateBytes.
 */
export function damagedBundle(text: string, random: () => number): string {
  if (random() < 0.5) return mutateJson(text, random);
  const doc = JSON.parse(text) as Json;
  const places: Array<{ holder: Json; key: string | number }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (ENCODED.has(k) && typeof x === 'string') places.push({ holder: v as Json, key: k });
        else if (ENCODED.has(k) && Array.isArray(x)) x.forEach((_, i) => typeof x[i] === 'string' && places.push({ holder: x as unknown as Json, key: i }));
        else walk(x);
      }
    }
  };
  walk(doc);
  const place = pick(random, places);
  const value = place.holder[place.key] as string;
  if (place.key === 'envelope') place.holder[place.key] = mutateBytes(Buffer.from(value), random).toString('utf8');
  else {
    const bytes = Buffer.from(value, 'base64');
    const damaged = bytes[0] === 0x30 ? mutateDer(bytes, random).bytes : bytes[0] === 0x7b ? Buffer.from(mutateJson(bytes.toString('utf8'), random)) : mutateBytes(bytes, random);
    place.holder[place.key] = damaged.toString('base64');
  }
  return JSON.stringify(doc);
}

const BLOCK = /-----BEGIN ([^-]*)-----\r?\n([\s\S]*?)-----END \1-----\r?\n?/;

/** A PEM public key damaged once: cut, a base64 character changed, its DER damaged, a label changed, a block added, line endings. */
export function damagedPem(pem: string, random: () => number): { text: string; what: string } {
  const b = BLOCK.exec(pem)!;
  const kind = Math.floor(random() * 6);
  if (kind === 0) {
    const at = Math.floor(random() * pem.length);
    return { text: pem.slice(0, at), what: `cut at ${at}` };
  }
  if (kind === 1) {
    const at = b[0].indexOf('\n') + 1 + Math.floor(random() * b[2]!.length);
    const by = pick(random, ['A', '/', '+', '=', '==', '', '\n', '*', ' ', '\r\n', '-']);
    return { text: pem.slice(0, at) + by + pem.slice(at + 1), what: `base64 at ${at}: ${JSON.stringify(pem[at])} to ${JSON.stringify(by)}` };
  }
  if (kind === 2) {
    const m = mutateDer(Buffer.from(b[2]!.replace(/\s+/g, ''), 'base64'), random);
    return { text: `-----BEGIN ${b[1]}-----\n${m.bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${b[1]}-----\n`, what: `DER: ${m.what}` };
  }
  if (kind === 3) {
    const label = pick(random, ['PRIVATE KEY', 'RSA PUBLIC KEY', 'EC PUBLIC KEY', 'CERTIFICATE', 'public key', '']);
    const which = Math.floor(random() * 3);
    const text = pem.replace(which === 2 ? /(?!)/ : `BEGIN ${b[1]}`, `BEGIN ${label}`).replace(which === 1 ? /(?!)/ : `END ${b[1]}`, `END ${label}`);
    return { text, what: `label ${which === 0 ? 'both' : which === 1 ? 'BEGIN' : 'END'} to ${JSON.stringify(label)}` };
  }
  if (kind === 4) {
    const extra = pick(random, [pem, '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n', '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n', '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n', 'Comment: a key\n', '\0\xff\n', '-----BEGIN ']);
    return random() < 0.5 ? { text: extra + pem, what: `before: ${JSON.stringify(extra.slice(0, 60))}` } : { text: pem + extra, what: `after: ${JSON.stringify(extra.slice(0, 60))}` };
  }
  const how = pick(random, ['crlf', 'no newline', 'indented', 'one line']);
  const text = how === 'crlf' ? pem.replace(/\n/g, '\r\n') : how === 'no newline' ? pem.trimEnd() : how === 'indented' ? pem.replace(/^/gm, '  ') : pem.replace(/\n(?=[A-Za-z0-9+/=])/g, '');
  return { text, what: how };
}

/** The classic signature damaged: its base64 text's bytes, its decoded bytes (DER's structure for ECDSA), or its line endings. */
export function damagedSignature(text: string, ecdsa: boolean, random: () => number): { bytes: Buffer; what: string } {
  const kind = Math.floor(random() * 3);
  if (kind === 0) return { bytes: mutateBytes(Buffer.from(text), random), what: 'base64 text bytes' };
  if (kind === 1) {
    const decoded = Buffer.from(text, 'base64');
    const m = ecdsa ? mutateDer(decoded, random) : { bytes: mutateBytes(decoded, random), what: 'bytes' };
    return { bytes: Buffer.from(m.bytes.toString('base64')), what: `decoded: ${m.what}` };
  }
  const how = pick(random, ['\n', '\r\n', '\n\n', ' ', '\t']);
  return random() < 0.5 ? { bytes: Buffer.from(text + how), what: `${JSON.stringify(how)} after` } : { bytes: Buffer.from(how + text), what: `${JSON.stringify(how)} before` };
}

/** The signature's bytes as cosign writes them (base64, line endings around): undefined when not that encoding. */
export function strictBase64(bytes: Buffer): Buffer | undefined {
  const t = bytes.toString('latin1').trim().replace(/[\r\n]/g, '');
  return t.length > 0 && t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t) ? Buffer.from(t, 'base64') : undefined;
}
