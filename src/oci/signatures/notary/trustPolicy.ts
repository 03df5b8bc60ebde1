// notation's trust policy document (trustpolicy.json, trustpolicy.oci.json), read and validated by the rules of
// the Notary Project's trust-store-trust-policy.md as notation-go applies them (verifier/trustpolicy), and the
// statement that applies to a repository picked. Pure: reading the trust stores it names is trustPolicyStores.ts.
import { matchesIdentity, type NotaryIdentity, parseNotaryIdentity } from './notaryIdentity';
import { isJsonObject } from '../../jsonObject';
import { shownValue } from '../../validate/shownValue';

/** The checks a verification level enforces, logs or skips, as the spec names them. */
export const POLICY_CHECKS = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'] as const;
export type PolicyCheck = (typeof POLICY_CHECKS)[number];
export type PolicyAction = 'enforce' | 'log' | 'skip';
export const POLICY_LEVELS = ['strict', 'permissive', 'audit', 'skip'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

/** The spec's table of levels: what each does on a failure of each check. */
const LEVELS: Record<PolicyLevel, Record<PolicyCheck, PolicyAction>> = {
  strict: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' },
  permissive: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  audit: { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  skip: { integrity: 'skip', authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' },
};

export const TRUST_STORE_TYPES = ['ca', 'signingAuthority', 'tsa'] as const;
export type TrustStoreType = (typeof TRUST_STORE_TYPES)[number];

/** One trust policy statement, validated. */
export interface TrustPolicyStatement {
  name: string;
  /** `registry/repository` values, or the one wildcard `*`. */
  registryScopes: string[];
  level: PolicyLevel;
  /** The level's actions with `override` applied. */
  actions: Record<PolicyCheck, PolicyAction>;
  /** The override as written (for the results), when given. */
  override?: Partial<Record<PolicyCheck, PolicyAction>>;
  /** `always` (the default) or `afterCertExpiry`: when a timestamp countersignature is verified (a `tsa` store given). */
  verifyTimestamp: 'always' | 'afterCertExpiry';
  /** `type:name` entries, in order, each once. */
  trustStores: Array<{ type: TrustStoreType; name: string }>;
  /** The `x509.subject` identities; any signer when `anyIdentity` (`*`). */
  identities: NotaryIdentity[];
  anyIdentity: boolean;
  /** Identities of other prefixes (a verification plugin's): kept, not matched here. */
  otherIdentities: string[];
}

export interface TrustPolicyDocument {
  version: '1.0';
  statements: TrustPolicyStatement[];
}

/** A trust policy document that breaks a rule: the message names the JSON path (`$.trustPolicies[1].registryScopes[0]`). */
export class TrustPolicyError extends Error {}

const NAME = /^[a-zA-Z0-9_.-]+$/;
// notation-go's scope check, adapted from distribution's reference grammar: a domain (optional port), a repository.
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+)?(?::[0-9]+)?$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$/;

/** Why `scope` is no registry scope (`registry/repository`, no scheme, tag nor digest), or undefined when it is one. */
export function scopeProblem(scope: string): string | undefined {
  const hint = 'expected a fully qualified repository without scheme, tag or digest (registry.example.com/my/repository, or a local scope like local/my-layout)';
  if (scope.includes('*')) return `${shownValue(scope)}: a wildcard is allowed only as the whole scope "*"; ${hint}`;
  const slash = scope.indexOf('/');
  if (slash <= 0 || !DOMAIN.test(scope.slice(0, slash)) || !REPOSITORY.test(scope.slice(slash + 1))) return `${shownValue(scope)}: ${hint}`;
  return undefined;
}

/**
 * A trust policy document read from its JSON (`file` names it in errors): every rule notation-go applies, each
 * failure a TrustPolicyError naming the file and the JSON path. Fields it does not know are ignored, as Go's decoder does.
 */
export function parseTrustPolicy(text: string, file: string): TrustPolicyDocument {
  const { statements, refuse } = parsePolicyStatements(text, file, 'oci');
  scopesChecked(statements, refuse);
  return { version: '1.0', statements };
}

/**
 * What an OCI trust policy (trustpolicy.oci.json) and a blob one (trustpolicy.blob.json) share, read by the same
 * rules (notation-go's validatePolicyCore): the version, at least one statement, unique names, each statement's
 * level, trust stores and identities; with the raw statements for the fields of each kind (registryScopes, globalPolicy).
 */
export function parsePolicyStatements(
  text: string,
  file: string,
  kind: 'oci' | 'blob',
): { statements: TrustPolicyStatement[]; raw: Record<string, unknown>[]; refuse: (path: string, what: string) => never } {
  const refuse = (path: string, what: string): never => {
    throw new TrustPolicyError(`${file}: ${path}: ${what}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return refuse('$', `not JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(doc)) return refuse('$', 'expected an object with "version" and "trustPolicies"');
  if (doc.version === undefined || doc.version === '') refuse('$.version', 'missing: the policy version must be given ("1.0")');
  if (doc.version !== '1.0') refuse('$.version', `${shownValue(doc.version)} is not a supported version (only "1.0")`);
  if (!Array.isArray(doc.trustPolicies) || doc.trustPolicies.length === 0) {
    refuse('$.trustPolicies', doc.trustPolicies === undefined ? 'missing: at least one trust policy statement is needed' : Array.isArray(doc.trustPolicies) ? 'empty: at least one trust policy statement is needed' : 'expected an array of statements');
  }
  const statements: TrustPolicyStatement[] = [];
  const raws: Record<string, unknown>[] = [];
  const names = new Set<string>();
  (doc.trustPolicies as unknown[]).forEach((raw, i) => {
    const at = `$.trustPolicies[${i}]`;
    if (!isJsonObject(raw)) return refuse(at, 'expected an object');
    const name = raw.name;
    if (name === undefined || name === '') refuse(`${at}.name`, 'missing: every statement needs a name');
    if (typeof name !== 'string') return refuse(`${at}.name`, 'expected a string');
    if (names.has(name)) refuse(`${at}.name`, `${shownValue(name)} is the name of an earlier statement too: names must be unique`);
    names.add(name);
    // A blob policy has no registryScopes: Go's decoder ignores the field there, whatever it holds.
    statements.push(statement(kind === 'blob' ? { ...raw, registryScopes: undefined } : raw, at, name, refuse));
    raws.push(raw);
  });
  return { statements, raw: raws, refuse };
}

function statement(raw: Record<string, unknown>, at: string, name: string, refuse: (path: string, what: string) => never): TrustPolicyStatement {
  const sv = raw.signatureVerification;
  if (!isJsonObject(sv)) return refuse(`${at}.signatureVerification`, sv === undefined ? 'missing: a level must be given' : 'expected an object with a "level"');
  if (sv.level === undefined || sv.level === '') refuse(`${at}.signatureVerification.level`, `missing: one of ${POLICY_LEVELS.join(', ')}`);
  const level = sv.level as PolicyLevel;
  if (!POLICY_LEVELS.includes(level)) refuse(`${at}.signatureVerification.level`, `${shownValue(sv.level)} is not a level: one of ${POLICY_LEVELS.join(', ')}`);
  const actions = { ...LEVELS[level] };
  let override: Partial<Record<PolicyCheck, PolicyAction>> | undefined;
  if (sv.override !== undefined && sv.override !== null) {
    if (!isJsonObject(sv.override)) return refuse(`${at}.signatureVerification.override`, 'expected an object of check: action');
    if (Object.keys(sv.override).length > 0) {
      if (level === 'skip') refuse(`${at}.signatureVerification.override`, 'level skip cannot be overridden (it verifies nothing)');
      override = {};
      for (const [check, action] of Object.entries(sv.override)) {
        const path = `${at}.signatureVerification.override.${check}`;
        if (!POLICY_CHECKS.includes(check as PolicyCheck)) refuse(path, `${shownValue(check)} is not a check: one of ${POLICY_CHECKS.join(', ')}`);
        if (action !== 'enforce' && action !== 'log' && action !== 'skip') refuse(path, `${shownValue(action)} is not an action: enforce, log or skip`);
        if (check === 'integrity') refuse(path, 'integrity cannot be overridden: it is always enforced');
        if (check !== 'revocation' && action === 'skip') refuse(path, `${check} cannot be skipped (only revocation can): enforce or log`);
        override[check as PolicyCheck] = action as PolicyAction;
        actions[check as PolicyCheck] = action as PolicyAction;
      }
    }
  }
  const vt = sv.verifyTimestamp ?? '';
  if (vt !== '' && vt !== 'always' && vt !== 'afterCertExpiry') refuse(`${at}.signatureVerification.verifyTimestamp`, `${shownValue(vt)}: expected "always" or "afterCertExpiry"`);
  const stores = stringArray(raw.trustStores, `${at}.trustStores`, refuse);
  const identities = stringArray(raw.trustedIdentities, `${at}.trustedIdentities`, refuse);
  const out: TrustPolicyStatement = {
    name,
    registryScopes: stringArray(raw.registryScopes, `${at}.registryScopes`, refuse),
    level,
    actions,
    ...(override ? { override } : {}),
    verifyTimestamp: vt === 'afterCertExpiry' ? 'afterCertExpiry' : 'always',
    trustStores: [],
    identities: [],
    anyIdentity: false,
    otherIdentities: [],
  };
  if (level === 'skip') {
    if (stores.length > 0 || identities.length > 0) refuse(at, 'level skip verifies nothing: remove its trustStores and trustedIdentities');
    return out;
  }
  if (stores.length === 0) refuse(`${at}.trustStores`, 'missing or empty: a statement that verifies needs trust stores ("ca:NAME") and trusted identities');
  if (identities.length === 0) refuse(`${at}.trustedIdentities`, 'missing or empty: a statement that verifies needs trusted identities ("*" or "x509.subject: C=..., ST=..., O=...") and trust stores');
  const seen = new Set<string>();
  stores.forEach((s, j) => {
    const colon = s.indexOf(':');
    const type = s.slice(0, colon) as TrustStoreType;
    const storeName = s.slice(colon + 1);
    if (colon < 0) refuse(`${at}.trustStores[${j}]`, `${shownValue(s)}: expected TYPE:NAME (ca, signingAuthority or tsa)`);
    if (!TRUST_STORE_TYPES.includes(type)) refuse(`${at}.trustStores[${j}]`, `${shownValue(s)}: ${shownValue(type)} is not a trust store type (ca, signingAuthority or tsa)`);
    if (!NAME.test(storeName)) refuse(`${at}.trustStores[${j}]`, `${shownValue(s)}: a store name is letters, digits, _ . - only`);
    // A folder under x509/TYPE/: "." and ".." would name another (its parent's certificates read as this store's).
    if (storeName === '.' || storeName === '..') refuse(`${at}.trustStores[${j}]`, `${shownValue(s)}: a store name names a folder inside x509/${type}/, not ${storeName}`);
    if (!seen.has(s)) out.trustStores.push({ type, name: storeName });
    seen.add(s);
  });
  if (identities.length > 1 && identities.includes('*')) refuse(`${at}.trustedIdentities`, '"*" (any identity) cannot be given with other identities');
  identities.forEach((text, j) => {
    const path = `${at}.trustedIdentities[${j}]`;
    if (text === '') refuse(path, 'empty');
    if (text === '*') {
      out.anyIdentity = true;
      return;
    }
    const colon = text.indexOf(':');
    if (colon < 0) refuse(path, `${shownValue(text)}: no ":" (expected "x509.subject: C=..., ST=..., O=...")`);
    if (text.slice(0, colon) !== 'x509.subject') {
      out.otherIdentities.push(text); // a plugin's kind of identity: notation-go accepts it and leaves it to the plugin
      return;
    }
    if (text.slice(colon + 1) === '') refuse(path, `${shownValue(text)}: no subject after "x509.subject:"`);
    try {
      out.identities.push(parseNotaryIdentity(text));
    } catch (err) {
      refuse(path, (err as Error).message);
    }
  });
  // notation-go refuses identities one of which holds another: the wider one would make the narrower meaningless.
  for (const a of out.identities) {
    for (const b of out.identities) {
      if (a !== b && matchesIdentity(a, b.attributes)) refuse(`${at}.trustedIdentities`, `${shownValue(a.text)} overlaps ${shownValue(b.text)} (every subject the second matches, the first matches too)`);
    }
  }
  return out;
}

/** registryScopes of every statement: at least one each, `*` alone, each a valid scope, no scope in two statements (so one wildcard statement at most). */
function scopesChecked(statements: TrustPolicyStatement[], refuse: (path: string, what: string) => never): void {
  const owner = new Map<string, number>();
  statements.forEach((s, i) => {
    const at = `$.trustPolicies[${i}].registryScopes`;
    if (s.registryScopes.length === 0) refuse(at, 'missing or empty: at least one scope ("registry/repository", or "*")');
    if (s.registryScopes.length > 1 && s.registryScopes.includes('*')) refuse(at, 'the wildcard "*" cannot be given with other scopes');
    s.registryScopes.forEach((scope, j) => {
      if (scope !== '*') {
        const problem = scopeProblem(scope);
        if (problem) refuse(`${at}[${j}]`, problem);
      }
      const first = owner.get(scope);
      if (first !== undefined && first !== i) refuse(`${at}[${j}]`, `${shownValue(scope)} is a scope of $.trustPolicies[${first}] (${shownValue(statements[first]!.name)}) too: a scope belongs to one statement`);
      owner.set(scope, i);
    });
  });
}

/**
 * The statement that applies to `scope` (`registry/repository`): the one naming it exactly, else the wildcard one;
 * an Error naming the scope when none applies.
 */
export function selectTrustPolicy(doc: TrustPolicyDocument, scope: string, file = 'the trust policy'): TrustPolicyStatement {
  const problem = scopeProblem(scope);
  if (problem) throw new TrustPolicyError(`scope ${problem}`);
  const exact = doc.statements.find((s) => s.registryScopes.includes(scope));
  const wildcard = doc.statements.find((s) => s.registryScopes.includes('*'));
  const chosen = exact ?? wildcard;
  if (!chosen) throw new TrustPolicyError(`${scope}: no statement of ${file} applies to it (none names it in registryScopes, and none has the wildcard "*")`);
  return chosen;
}

function stringArray(v: unknown, path: string, refuse: (path: string, what: string) => never): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return refuse(path, 'expected an array of strings');
  v.forEach((s, j) => typeof s !== 'string' && refuse(`${path}[${j}]`, 'expected a string'));
  return v as string[];
}
