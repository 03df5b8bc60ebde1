/** cosign key-based signatures: find and verify them (verify), make them (sign). */
export { COSIGN_PAYLOAD_TYPE, COSIGN_SIGNATURE_ARTIFACT_TYPE, makePayload, parsePayload, SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE } from './cosignFormat';
export type { SignedClaim } from './cosignFormat';
export { loadPublicKey } from './publicKeys';
export type { VerifyKey } from './publicKeys';
export { MAX_PAYLOAD_BYTES, verifySignatures } from './verify';
export type { FoundVia, ManifestVerification, SignatureProblem, SignatureResult, VerifyOptions } from './verify';
export { verifyImage } from './verifyImage';
export type { ImageVerification, VerifiedManifest, VerifyImageOptions } from './verifyImage';
export { CANNOT_DECRYPT, COSIGN_KEY_PEM_TYPE, decryptCosignKey, encryptCosignKey, signKey, SIGSTORE_KEY_PEM_TYPE } from './privateKeys';
export type { SignKey } from './privateKeys';
export { signManifest } from './sign';
export type { SignResult } from './sign';
export { readPublicKeyFile } from './keyFiles';
export { verificationProblems, verifiedBy } from './verifyProblems';
