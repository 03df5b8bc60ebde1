/** cosign attestations (in-toto Statements in DSSE envelopes): make them (attest), find and verify them. */
export { DSSE_MEDIA_TYPE, decodeDsseBase64, INTOTO_PAYLOAD_TYPE, makeEnvelope, pae, parseEnvelope } from './dsse';
export type { Envelope, EnvelopeSignature } from './dsse';
export { makeStatement, MAX_PREDICATE_DEPTH, parseStatement, predicateOf, PREDICATE_TYPES, predicateTypeOf, STATEMENT_TYPE, statementNames } from './statement';
export type { Statement } from './statement';
export { attestManifest, PREDICATE_TYPE_ANNOTATION } from './attest';
export type { AttestOptions, AttestResult } from './attest';
export { attestManifestBundle } from './attestBundle';
export { ATTESTATION_ARTIFACT_TYPES, MAX_ENVELOPE_BYTES, verifyAttestations, verifyEnvelope } from './verifyAttestations';
export type { AttestationPlace, AttestationProblem, AttestationResult, EnvelopeLayer, FoundVia, ManifestAttestations, VerifyAttestationOptions } from './verifyAttestations';
export { verifyImageAttestations } from './verifyImageAttestations';
export { attestationProblems, attestedBy, attesterText } from './attestationProblems';
export { intotoEntryCheck } from './intotoEntry';
export type { AttestedManifest, ImageAttestations, VerifyImageAttestationOptions } from './verifyImageAttestations';
