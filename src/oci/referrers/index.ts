/** Referrers: attach artifacts to a manifest, its platforms or its whole tree; discover the referrers tree. */
export { attach, createdTimestamp, emptyDescriptor } from './attach';
export { packArtifactManifest } from './pack';
export type { PackedManifest, PackOptions } from './pack';
export type { AttachEvent, AttachOptions, AttachResult, AttachedArtifact, SkippedSubject } from './attach';
export { DEFAULT_FILE_MEDIA_TYPE, defaultTitle, parseFileReference } from './attachFiles';
export type { AttachFile } from './attachFiles';
export { ANNOTATION_FILE_CONFIG, ANNOTATION_FILE_MANIFEST, parseAnnotationFile, readAnnotationFile } from './annotationFile';
export type { AnnotationFile } from './annotationFile';
export { allReferrers, allSubjects, discover } from './discover';
export type { DiscoverOptions, ReferrerNode, SubjectNode } from './discover';
export { formatPosition, indexChildren, selectSubjectPlatform, subjectTree } from './subjects';
export { checkedSubjects } from './checkedSubjects';
export type { CheckedSubject, CheckedSubjectOptions } from './checkedSubjects';
export type { SubjectEntry } from './subjects';
export { nestedReferrersTreeText, referrersTreeText, subjectLabel, yamlScalar } from './treeText';
export type { TreeWords } from './treeText';
export { globMatches } from '../glob';
export { BUILTIN_KINDS, ENVELOPE_TYPES, KindTable, OTHER_KIND, parseKindDefinitions, PREDICATE_TYPE_ANNOTATIONS, predicateTypesOf } from './kinds';
export type { KindDefinition, ReferrerFacts } from './kinds';
export {
  countKinds,
  coverageGaps,
  coverageLabel,
  coverageNotes,
  missingKinds,
  referrerCoverage,
} from './coverage';
export { COSIGN_NAMES_BEFORE_LISTING, COSIGN_TAG_KINDS, cosignTag, CosignTagLookup, isDigestTag, parseCosignTag, resolveCosignTags } from './cosignTags';
export type { CosignTagged, CosignTagSuffix } from './cosignTags';
export { attestedDigest, DOCKER_ATTESTATION_MANIFEST, DOCKER_REFERENCE_DIGEST, DOCKER_REFERENCE_TYPE, isDockerReferenceEntry, splitIndexChildren } from './dockerReferences';
export { cellArtifacts, cellVerifier, SIGNATURE_KIND, signerOf, unverifiedKinds, verifiedCoverage } from './verifiedCoverage';
export type { CellVerification, SignerNaming, Verifications } from './verifiedCoverage';
export type { CoveredArtifact, AttachedVia, CoverageNote, CoverageOptions, CoverageReport, CoverageRow } from './coverage';
export { END_OF_LIFE_KIND, endOfLifeCell } from './endOfLifeCell';
export type { EndOfLifeCell, EndOfLifeState } from './endOfLifeCell';
export { carryOverReferrers, isSignatureArtifactType, planReferrerCarryOver } from './carryOver';
export type { CarriedReferrer, CarryOverPlan } from './carryOver';
