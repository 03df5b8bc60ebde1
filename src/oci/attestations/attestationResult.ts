/** What verifying one attestation says (types only, shared by verifyAttestations.ts and bundleAttestation.ts). */
import type { CosignLayerResult, SignerProblem } from '../signatures/signatureResult';

/** Why an attestation is not valid. */
export type AttestationProblem =
  | SignerProblem // no key or certificate trusted signs the envelope (or, with a Rekor key, its bundle is no intoto entry of it)
  | 'wrong-payload-type' // it verifies, but the envelope holds no in-toto statement
  | 'malformed-statement' // it verifies, but its payload is not an in-toto Statement
  | 'subject-mismatch' // it verifies, but its statement is of other artifacts than this manifest
  | 'wrong-predicate-type' // it verifies, but its predicate is not of the type asked for
  | 'malformed-envelope' // the layer is not a DSSE envelope
  | 'malformed-attestation' // the attestation manifest is not cosign's format (no DSSE layer)
  | 'unreadable'; // the attestation manifest or envelope could not be read (missing, damaged, too large)

/** One attestation: one DSSE layer of an attestation manifest (cosign adds a layer per attestation to its `.att` tag), or a Sigstore bundle. */
export interface AttestationResult extends CosignLayerResult<AttestationProblem> {
  /** The statement's `predicateType`, read only from an envelope a key verifies. */
  predicateType?: string;
  /** `bundle` for a Sigstore bundle (cosign 3's default format); absent for cosign's classic `.att` DSSE layer. */
  format?: 'bundle';
}

/** What every result of one attestation manifest (or one of its layers) says of where it is. */
export type AttestationPlace = Pick<AttestationResult, 'manifest' | 'layer' | 'layerDigest' | 'via' | 'tag'>;
