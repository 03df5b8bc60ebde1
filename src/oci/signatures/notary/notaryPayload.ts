/**
 * What a Notary envelope says of itself, read once for verify (notaryVerify.ts) and inspect (inspectDescribe.ts):
 * its payload's `targetArtifact` and its signed times and agent. Nothing here is trusted until the signature verifies.
 */
import type { Descriptor } from '../../descriptor';
import type { NotaryEnvelope } from './notaryEnvelope';

/** The payload's `targetArtifact` descriptor (its digest, size, media type and annotations: the user metadata), or what is wrong with it. */
export function targetArtifact(payload: Buffer): Pick<Descriptor, 'digest' | 'size' | 'mediaType' | 'annotations'> | string {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  const t = (doc as { targetArtifact?: unknown } | null)?.targetArtifact as Partial<Descriptor> | undefined;
  if (!t || typeof t !== 'object') return '$.targetArtifact: expected a descriptor';
  if (typeof t.digest !== 'string' || typeof t.mediaType !== 'string' || typeof t.size !== 'number') return '$.targetArtifact: expected a digest, a size and a media type';
  // notation reads the descriptor's annotations as a map of strings: anything else fails it too.
  const annotations: unknown = t.annotations;
  if (annotations !== undefined && annotations !== null && (typeof annotations !== 'object' || Array.isArray(annotations) || Object.values(annotations).some((v) => typeof v !== 'string'))) {
    return '$.targetArtifact.annotations: expected an object of strings';
  }
  return { digest: t.digest, size: t.size, mediaType: t.mediaType, ...(annotations ? { annotations: annotations as Record<string, string> } : {}) };
}

/** The envelope's signing scheme, its times (RFC 3339) and its signing agent: what verify reports and inspect shows. */
export function signedAttributes(e: NotaryEnvelope): { signingScheme: string; signingTime?: string; authenticSigningTime?: string; expiry?: string; signingAgent?: string } {
  return {
    signingScheme: e.signingScheme,
    ...(e.signingTime ? { signingTime: e.signingTime.toISOString() } : {}),
    ...(e.authenticSigningTime ? { authenticSigningTime: e.authenticSigningTime.toISOString() } : {}),
    ...(e.expiry ? { expiry: e.expiry.toISOString() } : {}),
    ...(e.signingAgent !== undefined ? { signingAgent: e.signingAgent } : {}),
  };
}
