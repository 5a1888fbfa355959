// Credentials of the gcs driver, as the reference takes them: exactly one of `token` (an OAuth2
// access token, sent as it is) or `json_key` (a service-account key, exchanged for an access token
// at the key's `token_uri` with a signed JWT, RFC 7523). Neither the key nor a token is ever put
// in a message: errors name the field or the endpoint and the status only.
import { type KeyObject, createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError, RemoteError } from '@hangar/resource-sdk';
import type { Source } from '../source.js';

/** What the reference's Go storage client asks for. */
const SCOPES = [
  'https://www.googleapis.com/auth/devstorage.full_control',
  'https://www.googleapis.com/auth/cloud-platform',
];
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** A token this close to its expiry is fetched again. */
const EXPIRY_MARGIN_MS = 60_000;

/** Resolves with the access token to send as `Authorization: Bearer`. */
export type AccessToken = (signal: AbortSignal) => Promise<string>;

/** Checks the credential fields (both or neither set is an error, as in the reference). */
export function gcsAccessToken(source: Source): AccessToken {
  const { json_key: jsonKey, token } = source;
  if (jsonKey && token)
    throw new ConfigError('must specify only one of source.json_key or source.token for the gcs driver');
  if (token) return () => Promise.resolve(token);
  if (!jsonKey)
    throw new ConfigError('must specify one of source.json_key or source.token for the gcs driver');
  return serviceAccountToken(parseServiceAccount(jsonKey));
}

interface ServiceAccount {
  email: string;
  key: KeyObject;
  keyId: string | undefined;
  tokenUri: URL;
}

function parseServiceAccount(jsonKey: string): ServiceAccount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonKey);
  } catch {
    // Not kept as the cause: JSON.parse quotes the text around the error, i.e. part of the key.
    throw new ConfigError('source.json_key is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError('source.json_key is not a JSON object');
  const fields = parsed as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new ConfigError(`source.json_key field '${name}' is not a string`);
    return value;
  };
  const required = (name: string): string => {
    const value = text(name);
    if (!value) throw new ConfigError(`source.json_key has no '${name}'`);
    return value;
  };
  const type = text('type');
  if (type !== 'service_account')
    throw new ConfigError(
      `source.json_key is not a service account key: its "type" is ${type ? `'${type}'` : 'missing'}, not 'service_account'`,
    );
  const email = required('client_email');
  let key: KeyObject;
  try {
    key = createPrivateKey(required('private_key'));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError("source.json_key field 'private_key' is not a PEM private key");
  }
  const tokenUri = URL.parse(text('token_uri') ?? DEFAULT_TOKEN_URI);
  if (!tokenUri || !/^https?:$/.test(tokenUri.protocol))
    throw new ConfigError("source.json_key field 'token_uri' is not an http(s) URL");
  return { email, key, keyId: text('private_key_id'), tokenUri };
}

/** Fetches a token on first use and again when it is about to expire. */
function serviceAccountToken(account: ServiceAccount): AccessToken {
  let cached: { token: string; expiresAt: number } | undefined;
  return async (signal) => {
    if (!cached || Date.now() > cached.expiresAt - EXPIRY_MARGIN_MS) cached = await exchange(account, signal);
    return cached.token;
  };
}

async function exchange(account: ServiceAccount, signal: AbortSignal) {
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: SCOPES.join(' ') })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(account.keyId ? { kid: account.keyId } : {}) })
    .setIssuer(account.email)
    .setAudience(account.tokenUri.href)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(account.key);
  // The endpoint as messages show it: no query, no userinfo.
  const endpoint = `${account.tokenUri.origin}${account.tokenUri.pathname}`;
  let response: Response;
  try {
    response = await fetch(account.tokenUri, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }),
      signal,
    });
  } catch (error) {
    throw new RemoteError(`cannot reach the token endpoint ${endpoint}: ${networkCause(error)}`);
  }
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok) {
    const reason = [body?.['error'], body?.['error_description']].filter((part) => typeof part === 'string');
    throw new RemoteError(
      `the token endpoint ${endpoint} refused the service account key (${response.status}${reason.length ? `: ${reason.join(': ')}` : ''})`,
    );
  }
  const token = body?.['access_token'];
  if (typeof token !== 'string' || !token)
    throw new RemoteError(
      `the token endpoint ${endpoint} answered ${response.status} without an access_token`,
    );
  const lifetime = typeof body?.['expires_in'] === 'number' ? body['expires_in'] : 3600;
  return { token, expiresAt: Date.now() + lifetime * 1000 };
}

/** `ECONNREFUSED`, `certificate has expired`, …: what Node's fetch hides behind "fetch failed". */
export function networkCause(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error instanceof Error ? error.message : String(error);
}
