import { MemoryCredentialStore } from '../../oci/auth';
import { isOciError, OciError } from '../../oci/errors';
import { Registry } from '../../oci/registry/registry';
import { checkRegistry } from '../../oci/registry/registryReference';
import { type Command, stringOpt, UsageError } from '../command';
import { defaultCredentialStore, headerOption, identityTokenOption, passwordOption, patienceOptions, REGISTRY_OPTIONS, tlsFilesOption } from '../registryOptions';

export const login: Command = {
  path: 'login',
  summary: 'Sign in to a registry and keep the credentials in the Docker config (or its credential helper)',
  usage: 'login [flags] REGISTRY',
  examples: ['echo "$TOKEN" | manifold login -u alice --password-stdin ghcr.io', 'manifold login -u admin --password-stdin --plain-http localhost:5000 < password.txt'],
  minArgs: 1,
  maxArgs: 1,
  options: REGISTRY_OPTIONS,
  async run(p, printer) {
    const registry = checkRegistry(p.positionals[0]!);
    if (p.values.password !== undefined) printer.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    if (p.values['identity-token'] !== undefined) printer.err('WARNING! Using --identity-token via the CLI is insecure. Use --identity-token-stdin.\n');
    const username = stringOpt(p, 'username');
    const token = await identityTokenOption(p);
    const secret = token ?? (await passwordOption(p));
    if (secret === undefined || secret === '') throw new UsageError('no password given: pass it on stdin with --password-stdin (or -p), or an identity token with --identity-token-stdin');
    if (token === undefined && !username) throw new UsageError('no user name given: pass -u NAME (or --identity-token-stdin for a token)');
    const credential = token !== undefined ? { refreshToken: token } : { username: username!, password: secret };
    // Checked before anything is stored: a login that does not work is not kept.
    const probe = new Registry(registry, {
      plainHttp: p.values['plain-http'] === true,
      insecure: p.values.insecure === true,
      tlsFiles: tlsFilesOption(p),
      headers: headerOption(p),
      credentials: new MemoryCredentialStore({ [registry]: credential }),
      ...patienceOptions(p),
    });
    try {
      await probe.ping();
    } catch (err) {
      // A refusal keeps its code (UNAUTHORIZED, DENIED), so a caller can tell wrong credentials from a wrong address;
      // so does a certificate problem (UNTRUSTED, CLIENT_CERTIFICATE), whose hint says how to trust or give one.
      const kept = ['UNAUTHORIZED', 'DENIED', 'UNTRUSTED', 'CLIENT_CERTIFICATE'] as const;
      const code = isOciError(err) && (kept as readonly string[]).includes(err.code) ? err.code : 'INVALID_ARGUMENT';
      throw new OciError(code, `login to ${registry} failed: ${(err as Error).message}`, { cause: err, registry: isOciError(err) ? err.registry : undefined });
    }
    await defaultCredentialStore(p).put(registry, credential);
    printer.out('Login Succeeded\n');
  },
};

export const logout: Command = {
  path: 'logout',
  summary: 'Forget the credentials kept for a registry',
  usage: 'logout [flags] REGISTRY',
  examples: ['manifold logout localhost:5000'],
  minArgs: 1,
  maxArgs: 1,
  options: { 'registry-config': REGISTRY_OPTIONS['registry-config']! },
  async run(p, printer) {
    const registry = checkRegistry(p.positionals[0]!);
    await defaultCredentialStore(p).delete(registry);
    printer.out(`Removed the credentials for ${registry}\n`);
  },
};
