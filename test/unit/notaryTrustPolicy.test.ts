// notation's trust policy document read as notation-go reads it (verifier/trustpolicy): a valid one's statements,
// the statement picked for a scope (exact over the wildcard, none: an error naming the scope), and each rule a
// damaged document breaks refused with the JSON path it breaks it at.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrustPolicy, selectTrustPolicy, TrustPolicyError } from '../../src/oci/signatures';

const FIXTURE = join(__dirname, '..', 'fixtures', 'notary-policy', 'trustpolicy.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const statement = (over: Doc = {}): Doc => ({
  name: 'p',
  registryScopes: ['registry.example.com/app'],
  signatureVerification: { level: 'strict' },
  trustStores: ['ca:made'],
  trustedIdentities: ['*'],
  ...over,
});
const doc = (...statements: Doc[]): Doc => ({ version: '1.0', trustPolicies: statements.length > 0 ? statements : [statement()] });
const parse = (d: unknown) => parseTrustPolicy(typeof d === 'string' ? d : JSON.stringify(d), 'policy.json');

describe('Notary trust policy documents', () => {
  it("reads notation's layout fixture: statements, levels with their actions, stores, identities", () => {
    const d = parseTrustPolicy(readFileSync(FIXTURE, 'utf8'), FIXTURE);
    assert.deepEqual(d.statements.map((s) => [s.name, s.level, s.registryScopes]), [
      ['alpine', 'strict', ['local/alpine']],
      ['made', 'strict', ['*']],
    ]);
    const [alpine, made] = d.statements;
    assert.deepEqual(alpine!.actions, { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' });
    assert.deepEqual(alpine!.identities.map((i) => [...i.attributes]), [[['C', 'US'], ['ST', 'WA'], ['L', 'Seattle'], ['O', 'Notary'], ['CN', 'alpine']]]);
    assert.equal(alpine!.anyIdentity, false);
    assert.deepEqual(made!.override, { revocation: 'log' });
    assert.equal(made!.actions.revocation, 'log');
    assert.deepEqual(made!.trustStores, [{ type: 'ca', name: 'made' }, { type: 'signingAuthority', name: 'made' }]);
    assert.equal(made!.verifyTimestamp, 'always');
  });

  it("the levels' actions are the spec's table; override changes one check; skip needs no stores", () => {
    const levels = (level: string, override?: Doc) => parse(doc(statement({ signatureVerification: { level, ...(override ? { override } : {}) } }))).statements[0]!.actions;
    assert.deepEqual(levels('permissive'), { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' });
    assert.deepEqual(levels('audit'), { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' });
    assert.deepEqual(levels('strict', { expiry: 'log', revocation: 'skip' }), { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'log', revocation: 'skip' });
    assert.deepEqual(levels('audit', { authenticity: 'enforce' }).authenticity, 'enforce');
    const skip = parse(doc(statement({ signatureVerification: { level: 'skip' }, trustStores: undefined, trustedIdentities: undefined }))).statements[0]!;
    assert.equal(skip.level, 'skip');
    assert.deepEqual(skip.actions.integrity, 'skip');
    // A plugin's kind of identity is accepted and kept aside (notation-go leaves it to the plugin); duplicates of a store read once.
    const other = parse(doc(statement({ trustedIdentities: ['plugin.example: someone'], trustStores: ['ca:made', 'ca:made', 'tsa:globalsign'] }))).statements[0]!;
    assert.deepEqual(other.otherIdentities, ['plugin.example: someone']);
    assert.deepEqual(other.identities, []);
    assert.deepEqual(other.trustStores, [{ type: 'ca', name: 'made' }, { type: 'tsa', name: 'globalsign' }]);
  });

  it('picks the statement naming the scope exactly over the wildcard one; none: an error naming the scope', () => {
    const d = parse(doc(statement({ name: 'exact', registryScopes: ['registry.example.com/app', 'localhost:5000/app'] }), statement({ name: 'any', registryScopes: ['*'] })));
    assert.equal(selectTrustPolicy(d, 'registry.example.com/app').name, 'exact');
    assert.equal(selectTrustPolicy(d, 'localhost:5000/app').name, 'exact');
    assert.equal(selectTrustPolicy(d, 'registry.example.com/other').name, 'any');
    const noWildcard = parse(doc(statement({ name: 'exact' })));
    assert.throws(() => selectTrustPolicy(noWildcard, 'registry.example.com/other', 'policy.json'), (err: Error) => {
      assert.ok(err instanceof TrustPolicyError);
      assert.equal(err.message, 'registry.example.com/other: no statement of policy.json applies to it (none names it in registryScopes, and none has the wildcard "*")');
      return true;
    });
    assert.throws(() => selectTrustPolicy(noWildcard, 'registry.example.com/app:v1'), /scope "registry\.example\.com\/app:v1": expected a fully qualified repository/);
  });

  const damaged: Array<[string, unknown, string]> = [
    ['not JSON', '{"version": "1.0",', '$: not JSON'],
    ['an array', [], '$: expected an object'],
    ['no version', { trustPolicies: [statement()] }, '$.version: missing'],
    ['version 2.0', { ...doc(), version: '2.0' }, '$.version: "2.0" is not a supported version'],
    ['no statements', { version: '1.0', trustPolicies: [] }, '$.trustPolicies: empty'],
    ['a statement not an object', { version: '1.0', trustPolicies: ['p'] }, '$.trustPolicies[0]: expected an object'],
    ['a statement without a name', doc(statement({ name: '' })), '$.trustPolicies[0].name: missing'],
    ['two statements of one name', doc(statement(), statement({ registryScopes: ['registry.example.com/b'] })), '$.trustPolicies[1].name: "p" is the name of an earlier statement too'],
    ['no signatureVerification', doc(statement({ signatureVerification: undefined })), '$.trustPolicies[0].signatureVerification: missing'],
    ['an unknown level', doc(statement({ signatureVerification: { level: 'lenient' } })), '$.trustPolicies[0].signatureVerification.level: "lenient" is not a level'],
    ['an override of integrity', doc(statement({ signatureVerification: { level: 'strict', override: { integrity: 'log' } } })), '$.trustPolicies[0].signatureVerification.override.integrity: integrity cannot be overridden'],
    ['authenticity skipped', doc(statement({ signatureVerification: { level: 'strict', override: { authenticity: 'skip' } } })), '$.trustPolicies[0].signatureVerification.override.authenticity: authenticity cannot be skipped'],
    ['an unknown check', doc(statement({ signatureVerification: { level: 'strict', override: { freshness: 'log' } } })), '$.trustPolicies[0].signatureVerification.override.freshness: "freshness" is not a check'],
    ['an unknown action', doc(statement({ signatureVerification: { level: 'strict', override: { expiry: 'warn' } } })), '$.trustPolicies[0].signatureVerification.override.expiry: "warn" is not an action'],
    ['skip overridden', doc(statement({ signatureVerification: { level: 'skip', override: { revocation: 'log' } }, trustStores: [], trustedIdentities: [] })), '$.trustPolicies[0].signatureVerification.override: level skip cannot be overridden'],
    ['verifyTimestamp unknown', doc(statement({ signatureVerification: { level: 'strict', verifyTimestamp: 'never' } })), '$.trustPolicies[0].signatureVerification.verifyTimestamp: "never"'],
    ['skip with trust stores', doc(statement({ signatureVerification: { level: 'skip' } })), '$.trustPolicies[0]: level skip verifies nothing: remove its trustStores and trustedIdentities'],
    ['no trust stores', doc(statement({ trustStores: [] })), '$.trustPolicies[0].trustStores: missing or empty'],
    ['no trusted identities', doc(statement({ trustedIdentities: undefined })), '$.trustPolicies[0].trustedIdentities: missing or empty'],
    ['a trust store without a type', doc(statement({ trustStores: ['made'] })), '$.trustPolicies[0].trustStores[0]: "made": expected TYPE:NAME'],
    ['a trust store of an unknown type', doc(statement({ trustStores: ['ca:made', 'root:made'] })), '$.trustPolicies[0].trustStores[1]: "root:made": "root" is not a trust store type'],
    ['a trust store name with a slash', doc(statement({ trustStores: ['ca:../made'] })), '$.trustPolicies[0].trustStores[0]: "ca:../made": a store name is letters, digits'],
    ['a trust store named ..', doc(statement({ trustStores: ['ca:..'] })), '$.trustPolicies[0].trustStores[0]: "ca:..": a store name names a folder inside x509/ca/, not ..'],
    ['trust stores not an array', doc(statement({ trustStores: 'ca:made' })), '$.trustPolicies[0].trustStores: expected an array of strings'],
    ['the wildcard identity with another', doc(statement({ trustedIdentities: ['*', 'x509.subject: C=US, ST=WA, O=a'] })), '$.trustPolicies[0].trustedIdentities: "*" (any identity) cannot be given with other identities'],
    ['an identity without a prefix', doc(statement({ trustedIdentities: ['C=US, ST=WA, O=a'] })), '$.trustPolicies[0].trustedIdentities[0]: "C=US, ST=WA, O=a": no ":"'],
    ['an identity without O', doc(statement({ trustedIdentities: ['x509.subject: C=US, ST=WA, CN=a'] })), '$.trustPolicies[0].trustedIdentities[0]: "x509.subject: C=US, ST=WA, CN=a": names no O'],
    ['an empty identity', doc(statement({ trustedIdentities: [''] })), '$.trustPolicies[0].trustedIdentities[0]: empty'],
    ['overlapping identities', doc(statement({ trustedIdentities: ['x509.subject: C=US, ST=WA, O=a, CN=b', 'x509.subject: C=US, ST=WA, O=a'] })), '$.trustPolicies[0].trustedIdentities: "x509.subject: C=US, ST=WA, O=a" overlaps "x509.subject: C=US, ST=WA, O=a, CN=b"'],
    ['no registry scopes', doc(statement({ registryScopes: [] })), '$.trustPolicies[0].registryScopes: missing or empty'],
    ['the wildcard scope with another', doc(statement({ registryScopes: ['*', 'registry.example.com/app'] })), '$.trustPolicies[0].registryScopes: the wildcard "*" cannot be given with other scopes'],
    ['a scope with a tag', doc(statement({ registryScopes: ['registry.example.com/app:v1'] })), '$.trustPolicies[0].registryScopes[0]: "registry.example.com/app:v1": expected a fully qualified repository'],
    ['a scope with a partial wildcard', doc(statement({ registryScopes: ['registry.example.com/*'] })), '$.trustPolicies[0].registryScopes[0]: "registry.example.com/*": a wildcard is allowed only as the whole scope'],
    ['a scope without a registry', doc(statement({ registryScopes: ['app'] })), '$.trustPolicies[0].registryScopes[0]: "app": expected a fully qualified repository'],
    ['a scope in two statements', doc(statement(), statement({ name: 'q', registryScopes: ['registry.example.com/b', 'registry.example.com/app'] })), '$.trustPolicies[1].registryScopes[1]: "registry.example.com/app" is a scope of $.trustPolicies[0] ("p") too'],
    ['two wildcard statements', doc(statement({ registryScopes: ['*'] }), statement({ name: 'q', registryScopes: ['*'] })), '$.trustPolicies[1].registryScopes[0]: "*" is a scope of $.trustPolicies[0] ("p") too'],
  ];
  for (const [what, d, message] of damaged) {
    it(`refuses ${what}, naming the JSON path`, () => {
      assert.throws(
        () => parse(d),
        (err: Error) => {
          assert.ok(err instanceof TrustPolicyError, String(err));
          assert.ok(err.message.startsWith(`policy.json: ${message}`), err.message);
          return true;
        },
      );
    });
  }
});
