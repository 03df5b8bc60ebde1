// The text `manifold inspect` prints and the extension's Inspect Signatures shows: a tree per manifest (notation
// inspect's shape), its signatures then its attestations. Every text a signature or attestation holds is a claim,
// shown through shownName (a signer's words cannot pass for other lines).
import { shownName } from '../shownName';
import type { BundleSigner, CertificateRead, CosignSigner, ImageInspection, InspectedAttestation, InspectedSignature, TlogClaim } from './inspect';

interface Node {
  text: string;
  children: Node[];
}
const node = (text: string, children: Node[] = []): Node => ({ text, children });
const s = (v: unknown) => shownName(String(v));
const FORMAT_NAMES = { cosign: 'cosign signature (simplesigning)', bundle: 'Sigstore bundle', notary: 'Notary Project signature' } as const;
const ATTESTATION_NAMES = { cosign: 'cosign attestation (DSSE)', bundle: 'Sigstore bundle attestation' } as const;
const counted = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `path`: what a reference's `@digest` follows (a layout folder, `host/repo`). */
export function inspectText(path: string, report: ImageInspection): string {
  const lines: string[] = [];
  for (const m of report.manifests) {
    const n = m.signatures.length;
    const a = m.attestations.length;
    const found = `${n === 0 ? 'no signatures found' : counted(n, 'signature')}${a === 0 ? '' : `, ${counted(a, 'attestation')}`}`;
    lines.push(`${shownName(m.label)} ${path}@${m.subject.digest}: ${found}${n + a > 0 ? ' (claims as they read: nothing verified)' : ''}`);
    const attestations = a === 0 ? node('no attestations') : node('attestations', m.attestations.map((x) => attestationNode(x, m.subject.digest)));
    render([...m.signatures.map((x) => signatureNode(x, m.subject.digest)), attestations], '', lines);
  }
  return lines.join('\n') + '\n';
}

function render(nodes: Node[], indent: string, lines: string[]): void {
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    lines.push(`${indent}${last ? '└── ' : '├── '}${n.text}`);
    render(n.children, indent + (last ? '    ' : '│   '), lines);
  });
}

/** Where a signature or attestation is: its manifest and layer (the title), how it was found, the layer's digest. */
function placeNodes(p: InspectedSignature | InspectedAttestation, name: string): { title: string; kids: Node[] } {
  const found = `found via ${p.via.join(', ')}${p.tag ? ` (tag ${s(p.tag)})` : ''}`;
  const kids: Node[] = [node(found)];
  if (p.layerDigest) kids.push(node(`layer: ${s(p.layerDigest)}${p.mediaType ? ` (${s(p.mediaType)})` : ''}`));
  return { title: `${name} ${p.manifest}${p.layer !== undefined ? ` layers[${p.layer}]` : ''}`, kids };
}

function signatureNode(sig: InspectedSignature, subject: string): Node {
  const { title, kids } = placeNodes(sig, FORMAT_NAMES[sig.format]);
  if (sig.problem) kids.push(node(`problem: ${s(sig.problem)}`));
  if (sig.cosign) kids.push(...cosignNodes(sig.cosign, subject));
  if (sig.bundle) kids.push(...bundleNodes(sig.bundle));
  if (sig.notary) kids.push(...notaryNodes(sig.notary, subject));
  return node(title, kids);
}

function attestationNode(att: InspectedAttestation, subject: string): Node {
  const { title, kids } = placeNodes(att, ATTESTATION_NAMES[att.format]);
  if (att.bundle) kids.push(node(`media type: ${s(att.bundle.mediaType)}`));
  if (att.problem) kids.push(node(`problem: ${s(att.problem)}`));
  const e = att.envelope;
  const stated = e?.statement?.predicateType;
  if (att.annotatedPredicateType !== undefined && att.annotatedPredicateType !== stated) kids.push(node(`predicateType annotation (unsigned): ${s(att.annotatedPredicateType)}`));
  if (e) {
    const sigs = e.signatures.map((x, i) => node(`signature ${i}: ${x.keyid !== undefined ? `key ID ${s(x.keyid)}` : 'no key ID'}`));
    kids.push(node('DSSE envelope', [node(`payload type: ${s(e.payloadType)}`), node(`payload: ${e.payloadSize} bytes`), node(`signatures: ${e.signatures.length}`, sigs)]));
  }
  if (e?.statement) {
    const st = e.statement;
    const subjects = st.subjects.map((x) => node(`subject: ${x.name !== undefined ? `${s(x.name)} ` : ''}${Object.entries(x.digest).map(([a, h]) => `${s(a)}:${s(h)}`).join(', ')}${x.thisManifest ? ' (this manifest)' : ''}`));
    kids.push(
      node('in-toto statement', [
        node(`_type: ${s(st.type)}`),
        node(`predicate type: ${s(st.predicateType)}`),
        ...subjects,
        // As verify-attestation would refuse it (subject-mismatch).
        ...(st.namesThisManifest ? [] : [node(`no subject is this manifest (${subject})`)]),
        node(`predicate: ${st.predicateSize !== undefined ? `${st.predicateSize} bytes (as compact JSON)` : 'none'}`),
      ]),
    );
  }
  if (att.cosign) kids.push(...cosignSignerNodes(att.cosign));
  if (att.bundle) kids.push(...bundleSignerNodes(att.bundle));
  return node(title, kids);
}

function cosignNodes(c: NonNullable<InspectedSignature['cosign']>, subject: string): Node[] {
  const out: Node[] = [];
  if (c.claim) {
    const claims = [node(`type: ${s(c.claim.type)}`), node(`docker-reference: ${s(c.claim.dockerReference)}`), node(`docker-manifest-digest: ${s(c.claim.digest)}${other(c.claim.digest, subject)}`)];
    if (c.claim.annotations) claims.push(node('annotations', annotationNodes(c.claim.annotations)));
    out.push(node('payload claims', claims));
  }
  return [...out, ...cosignSignerNodes(c)];
}

/** Who a classic layer's annotations say signed it (a signature's or an attestation's). */
function cosignSignerNodes(c: CosignSigner): Node[] {
  const out: Node[] = [];
  out.push(c.certificate ? certificateNode('certificate', c.certificate) : node('no certificate (key-signed)'));
  if (c.chainProblem) out.push(node(`chain: ${s(c.chainProblem)}`));
  else if (c.chainLength > 0) out.push(node(`chain: ${c.chainLength} certificate${c.chainLength === 1 ? '' : 's'}`));
  if (!c.rekorBundle) out.push(node('Rekor bundle: none'));
  else if ('malformed' in c.rekorBundle) out.push(node(`Rekor bundle: ${s(c.rekorBundle.malformed)}`));
  else out.push(node('Rekor bundle (claimed)', tlogNodes(c.rekorBundle)));
  out.push(node(`RFC 3161 timestamp: ${c.rfc3161Timestamp ? 'present' : 'none'}`));
  return out;
}

function bundleNodes(b: NonNullable<InspectedSignature['bundle']>): Node[] {
  const out: Node[] = [node(`media type: ${s(b.mediaType)}`)];
  if (b.content === 'dsse') {
    const kids = [node(`payload type: ${s(b.payloadType)}`)];
    if (b.predicateType !== undefined) kids.push(node(`predicate type: ${s(b.predicateType)}`));
    for (const x of b.subjects ?? []) kids.push(node(`subject: ${x.name !== undefined ? `${s(x.name)} ` : ''}${Object.entries(x.digest).map(([a, h]) => `${s(a)}:${s(h)}`).join(', ')}`));
    if (b.statementProblem) kids.push(node(`problem: ${s(b.statementProblem)}`));
    out.push(node('content: DSSE envelope', kids));
  } else out.push(node('content: message signature', [node(`message digest: ${s(b.messageDigest)}`)]));
  return [...out, ...bundleSignerNodes(b)];
}

/** A bundle's verification material: its certificates or key hint, tlog entries, timestamps. */
function bundleSignerNodes(b: BundleSigner): Node[] {
  const out: Node[] = [];
  if (b.certificates) b.certificates.forEach((c, i) => out.push(certificateNode(i === 0 ? 'certificate' : `chain certificate ${i}`, c)));
  else out.push(node(`no certificate (key-signed${b.keyHint !== undefined ? `, key hint ${s(b.keyHint)}` : ''})`));
  out.push(node(`tlog entries: ${b.tlogEntries.length}`, b.tlogEntries.map((e, i) => node(`entry ${i}`, tlogNodes(e)))));
  out.push(node(`RFC 3161 timestamps: ${b.timestamps}`));
  return out;
}

function notaryNodes(n: NonNullable<InspectedSignature['notary']>, subject: string): Node[] {
  const out = [
    node(`envelope: ${n.envelope === 'jws' ? 'JWS' : 'COSE'}`),
    node(`signature algorithm: ${s(n.alg)}`),
    node(`signing scheme: ${s(n.signingScheme)}`),
    node('signed attributes', [
      ...(n.signingTime ? [node(`signing time: ${n.signingTime}`)] : []),
      ...(n.authenticSigningTime ? [node(`authentic signing time: ${n.authenticSigningTime}`)] : []),
      node(`expiry: ${n.expiry ?? 'none'}`),
      node(`content type: ${s(n.contentType)}`),
    ]),
    node('unsigned attributes', [node(`signing agent: ${n.signingAgent !== undefined ? s(n.signingAgent) : 'none'}`), node(`timestamp: ${n.timestamp ? 'present (not verified)' : 'none'}`)]),
  ];
  if (n.targetArtifact) out.push(node('signed artifact', [node(`digest: ${s(n.targetArtifact.digest)}${other(n.targetArtifact.digest, subject)}`), node(`size: ${n.targetArtifact.size}`), node(`media type: ${s(n.targetArtifact.mediaType)}`)]));
  if (n.payloadProblem) out.push(node(`problem: ${s(n.payloadProblem)}`));
  out.push(node('user metadata', n.userMetadata ? annotationNodes(n.userMetadata) : [node('none')]));
  out.push(node('certificates', n.certificates.map((c, i) => certificateNode(i === 0 ? 'leaf' : `certificate ${i}`, c))));
  return out;
}

/** A claimed digest that is not the manifest's it was found for: said, as verify would refuse it (digest-mismatch). */
const other = (claimed: string, subject: string) => (claimed === subject ? '' : ' (not this manifest)');

function annotationNodes(a: Record<string, unknown>): Node[] {
  return Object.entries(a).map(([k, v]) => node(`${s(k)}: ${typeof v === 'string' ? s(v) : JSON.stringify(v)}`));
}

function tlogNodes(e: TlogClaim): Node[] {
  return [
    ...(e.kind ? [node(`kind: ${s(e.kind)}${e.version ? ` ${s(e.version)}` : ''}`)] : []),
    node(`log index: ${e.logIndex}`),
    node(`integrated time: ${e.integratedTime ? `${new Date(e.integratedTime * 1000).toISOString()} (${e.integratedTime})` : 'none'}`),
    node(`log ID: ${s(e.logID)}`),
    ...(e.inclusionProof !== undefined ? [node(`inclusion proof: ${e.inclusionProof ? 'present' : 'none'}`)] : []),
    ...(e.inclusionPromise !== undefined ? [node(`signed entry timestamp: ${e.inclusionPromise ? 'present' : 'none'}`)] : []),
  ];
}

function certificateNode(title: string, c: CertificateRead): Node {
  if ('malformed' in c) return node(`${title}: ${s(c.malformed)}`);
  return node(title, [
    node(`SHA-256 fingerprint: ${c.sha256}`),
    node(`issued to: ${s(c.subject || '(empty subject)')}`),
    ...(c.identities.length > 0 ? [node(`SANs: ${c.identities.map(s).join(', ')}`)] : []),
    ...(c.oidcIssuer !== undefined ? [node(`OIDC issuer: ${s(c.oidcIssuer)}`)] : []),
    node(`issued by: ${s(c.issuer)}`),
    node(`valid from: ${c.notBefore}`),
    node(`valid to: ${c.notAfter}`),
  ]);
}
