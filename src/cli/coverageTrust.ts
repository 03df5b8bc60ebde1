// What `coverage` verifies its cells with: verify's trust flags, read as verify reads them.
import type { NotaryTrust } from '../oci/signatures';
import { certificateFlags, type TrustFlags, trustFlags, trustJson } from './certificateFlags';
import { notaryFlags, notaryJson, notaryTrust } from './notaryFlags';
import { keyJson } from './checkedJson';
import { listOpt, type ParsedCommand, UsageError } from './command';

export interface CoverageTrust {
  flags: TrustFlags;
  notary?: NotaryTrust;
  /** Who may have signed, for the messages: `cosign.pub or a certificate for mitr@redhat.com or Notary roots ca.crt`. */
  names: string;
  /** What was asked, as verify's JSON says it: `keys`, then `trustedRoot`, `certificates`, `rekorKeys`, `ctLogKeys`, `timestampCertificateChains`, `notary` when given. */
  asked: Record<string, unknown>;
}

/** What to verify with, read from verify's trust flags: undefined when none is given (coverage then only counts). */
export async function coverageTrust(p: ParsedCommand): Promise<CoverageTrust | undefined> {
  const notaryAsked = notaryFlags(p);
  const certificates = certificateFlags(p);
  if (listOpt(p, 'key').length === 0 && !certificates && !notaryAsked) {
    // A Rekor key or a TSA chain alone trusts no signer: refused, as verify refuses them.
    const stray = ['rekor-key', 'timestamp-certificate-chain', 'trusted-root'].find((f) => listOpt(p, f).length > 0);
    if (stray) throw new UsageError(`--${stray} verifies what a key or an identity signed: give --key FILE, --certificate-identity ID or --notary-roots FILE|DIR too`);
    return undefined;
  }
  const flags = await trustFlags(p, 'signature', notaryAsked !== undefined);
  const notary = notaryAsked && (await notaryTrust(notaryAsked, p.positionals[0]));
  const c = flags.certificates;
  const names = [
    ...flags.keys.map((k) => k.name),
    ...(c ? [`a certificate for ${'equals' in c.identity ? c.identity.equals : `/${c.identity.regexp}/`}`] : []),
    ...(notaryAsked?.policy ? [`Notary trust policy ${notaryAsked.policy.file} (statement ${JSON.stringify(notary!.policy!.statement.name)}, ${notary!.policy!.statement.level})`] : notaryAsked ? [`Notary roots ${[...notaryAsked.roots, ...notaryAsked.authorityRoots].join(', ')}`] : []),
  ].join(' or ');
  const asked = { keys: flags.keys.map(keyJson), ...trustJson(c, flags.rekorKeys, flags.timestampChains, flags.ctLogKeys, flags.trustedRoot), ...notaryJson(notaryAsked) };
  return { flags, ...(notary ? { notary } : {}), names, asked };
}
