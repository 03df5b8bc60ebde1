// When a failure should offer to trust a registry's CA, or to give it a client certificate: keyed on the core's
// error codes (UNTRUSTED, CLIENT_CERTIFICATE), never on message text, as signInOffer.ts is. Free of `vscode`.
import * as l10n from '@vscode/l10n';
import { isOciError } from '../../oci/errors';

export const TRUST_CA_COMMAND = 'manifold.trustCaCertificate';
export const CLIENT_CERTIFICATE_COMMAND = 'manifold.chooseClientCertificate';

export interface CertificateOffer {
  command: typeof TRUST_CA_COMMAND | typeof CLIENT_CERTIFICATE_COMMAND;
  /** The action's title, as a button or a row's click says it. */
  title: string;
  /** The registry whose certs.d folder the files go to: the one the core says refused the connection. */
  registry: string;
}

/** `undefined` unless `err` is a TLS certificate failure of a registry the core names (or `registry`, if it does not). */
export function certificateOffer(err: unknown, registry?: string): CertificateOffer | undefined {
  const host = isOciError(err) ? (err.registry ?? registry) : undefined;
  if (!host) return undefined;
  if (isOciError(err, 'UNTRUSTED')) return { command: TRUST_CA_COMMAND, title: l10n.t('Trust CA Certificate…'), registry: host };
  if (isOciError(err, 'CLIENT_CERTIFICATE')) return { command: CLIENT_CERTIFICATE_COMMAND, title: l10n.t('Choose Client Certificate…'), registry: host };
  return undefined;
}
