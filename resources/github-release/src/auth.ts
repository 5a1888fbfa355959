// How the client authenticates: a token, a GitHub App installation, or anonymously (public reads).
import { createPrivateKey } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { ConfigError } from '@hangar/resource-sdk';
import type { Source } from './source.js';

const APP_FIELDS = ['app_id', 'installation_id', 'private_key'] as const;

/**
 * GitHub hands out PKCS#1 keys but the JWT signer only takes PKCS#8; keys pasted into a single
 * line often carry literal `\n`. Never echoes the key.
 */
function pkcs8(privateKey: string): string {
  try {
    return createPrivateKey(privateKey.replace(/\\n/g, '\n'))
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
  } catch {
    throw new ConfigError('source.private_key is not a PEM-encoded private key');
  }
}

/** Octokit constructor options for the source's credentials. */
export function authOptions(source: Source): object {
  const set = APP_FIELDS.filter((field) => source[field] !== undefined);
  if (set.length === 0) return source.access_token ? { auth: source.access_token } : {};
  if (source.access_token)
    throw new ConfigError(
      'source.access_token cannot be combined with app_id/installation_id/private_key: choose a token or a GitHub App',
    );
  const missing = APP_FIELDS.find((field) => source[field] === undefined);
  if (missing)
    throw new ConfigError(
      `source.${missing} is required for GitHub App authentication (with ${set.join(', ')})`,
    );
  return {
    authStrategy: createAppAuth,
    auth: {
      appId: source.app_id,
      installationId: Number(source.installation_id),
      privateKey: pkcs8(source.private_key!),
    },
  };
}
