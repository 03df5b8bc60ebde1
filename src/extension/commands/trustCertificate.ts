import * as l10n from '@vscode/l10n';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import vscode = require('vscode');
import { caFileCertificates, clientPair } from '../../oci/registry/tlsTrust';
import { besideName, differentCa, differentClientPair, type Existing, saveCaCertificate, saveClientCertificate, type Saved, userCertsDir } from '../registries/certsFolder';
import type { Services } from '../services';
import { chooseFiles } from '../ui/fileChooser';
import { Cancelled, need } from '../ui/prompts';
import { plainArgs } from './args';
import { registryFrom } from './registryArgs';
import { offerRetry } from './retry';

/**
 * `manifold.trustCaCertificate`: saves a registry's CA certificate (PEM, checked) as `ca.crt` in the user's certs.d
 * folder for it, where Manifold, podman and skopeo read it, and connects again. Arguments: a registry node or
 * `{ registry, file?, existing?: 'replace' | 'beside', retry?: { command, arguments } }`. Returns the path written.
 */
export async function trustCaCertificate(services: Services, arg?: unknown): Promise<string> {
  const title = l10n.t('Trust CA Certificate');
  const host = await registryFrom(services, arg, title);
  const plain = plainArgs(arg);
  const file = typeof plain.file === 'string' ? plain.file : await choosePem(services, l10n.t('{0}: the CA certificate that signed its certificate', host), l10n.t('Trust'), { [l10n.t('Certificates (PEM)')]: ['crt', 'pem', 'cer'] });
  // Checked before anything is asked: a key or a DER file chosen by mistake is named at once.
  caFileCertificates(file);
  let existing: Existing | undefined = plain.existing === 'replace' || plain.existing === 'beside' ? plain.existing : undefined;
  const other = existing ? undefined : differentCa(host, file);
  if (other) {
    const beside = l10n.t('Add Beside');
    const replace = l10n.t('Replace');
    const detail = l10n.t('Add Beside keeps it and saves this one next to it as {0} (every *.crt there is trusted). Replace overwrites it.', besideName(userCertsDir(host), file, readFileSync(file)));
    const answer = await vscode.window.showWarningMessage(l10n.t('{0} already holds another CA certificate for {1}.', other, host), { modal: true, detail }, beside, replace);
    if (answer === undefined) throw new Cancelled();
    existing = answer === replace ? 'replace' : 'beside';
  }
  const saved = saveCaCertificate(host, file, existing);
  services.registries.reconnect(host);
  services.log.info(`${host}: ${saved.unchanged ? 'CA certificate already in' : 'CA certificate saved as'} ${saved.paths[0]}${saved.carried.length ? ` (copied there too: ${saved.carried.join(', ')})` : ''}`);
  const said = saved.unchanged ? l10n.t('{0}: {1} holds this CA certificate already.', host, saved.paths[0]!) : l10n.t('{0}: Manifold now trusts the CA certificate saved as {1} (podman and skopeo read it there too).', host, saved.paths[0]!);
  tell(said, saved, plain.retry);
  return saved.paths[0]!;
}

/**
 * `manifold.chooseClientCertificate`: saves the client certificate a registry asks for, and its private key (checked
 * to be the certificate's), as `client.cert` and `client.key` (mode 0600) in the user's certs.d folder for it, and
 * connects again. Arguments: a registry node or `{ registry, certificate?, key?, existing?: 'replace', retry? }`.
 * Returns the certificate's path.
 */
export async function chooseClientCertificate(services: Services, arg?: unknown): Promise<string> {
  const title = l10n.t('Choose Client Certificate');
  const host = await registryFrom(services, arg, title);
  const plain = plainArgs(arg);
  const certificate = typeof plain.certificate === 'string' ? plain.certificate : await choosePem(services, l10n.t('{0}: the client certificate to show it', host), l10n.t('Choose Certificate'), { [l10n.t('Certificates (PEM)')]: ['crt', 'cert', 'pem', 'cer'] });
  const key = typeof plain.key === 'string' ? plain.key : await choosePem(services, l10n.t('{0}: the private key of {1}', host, basename(certificate)), l10n.t('Choose Key'), { [l10n.t('Private keys (PEM)')]: ['key', 'pem'] });
  // Refused naming the file before anything is asked or written: a handshake would only say "bad certificate".
  clientPair(certificate, key);
  let existing: 'replace' | undefined = plain.existing === 'replace' ? 'replace' : undefined;
  const other = existing ? undefined : differentClientPair(host, certificate, key);
  if (other) {
    const replace = l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(l10n.t('{0} already holds another client certificate for {1}.', other, host), { modal: true, detail: l10n.t('Replace overwrites client.cert and client.key there.') }, replace);
    if (answer !== replace) throw new Cancelled();
    existing = 'replace';
  }
  const saved = saveClientCertificate(host, certificate, key, existing);
  services.registries.reconnect(host);
  services.log.info(`${host}: client certificate ${saved.unchanged ? 'already in' : 'saved as'} ${saved.paths.join(' and ')}${saved.carried.length ? ` (copied there too: ${saved.carried.join(', ')})` : ''}`);
  const said = saved.unchanged
    ? l10n.t('{0}: {1} holds this client certificate already.', host, saved.paths[0]!)
    : l10n.t('{0}: Manifold now shows the client certificate saved as {1}, with its key in {2}.', host, saved.paths[0]!, saved.paths[1]!);
  tell(said, saved, plain.retry);
  return saved.paths[0]!;
}

async function choosePem(services: Services, title: string, openLabel: string, filters: Record<string, string[]>): Promise<string> {
  const uris = await chooseFiles(services.context.workspaceState, { canSelectFiles: true, canSelectFolders: false, canSelectMany: false, title, openLabel, filters: { ...filters, [l10n.t('All files')]: ['*'] } });
  return need(uris[0]).fsPath;
}

/** Says what was saved; a command whose failure led here is offered again. */
function tell(said: string, saved: Saved, retry: unknown): void {
  const carried = saved.carried.length > 0 ? ` ${l10n.t('Copied there too, as certs.d is read from one folder per registry: {0}.', saved.carried.join(', '))}` : '';
  offerRetry(said + carried, retry);
}
