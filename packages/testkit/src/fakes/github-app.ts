// GitHub App authentication for FakeGitHub: an app signs a short-lived JWT (RS256) with its
// private key and exchanges it for an installation token. The JWT is verified the way GitHub
// does: signature against the app's public key, `iss` naming the app, at most ten minutes of life.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { isPlainObject } from './http-server.js';

export interface FakeGitHubApp {
  /** Numeric app id; GitHub also accepts the app's client id as `iss`. */
  id: number;
  clientId?: string;
  /** PEM (or key object) of the app's public key. */
  publicKey: string | KeyObject;
  installations: readonly number[];
  /** The installation token handed out (default derived from the installation id). */
  token?: string;
}

export class AppAuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Longest JWT lifetime GitHub accepts, plus the clock drift it tolerates. */
const MAX_LIFETIME_S = 600;
const DRIFT_S = 60;

const decode = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** The app whose key signed `authorization` (`Bearer <jwt>`); throws what GitHub answers otherwise. */
export function verifyAppJwt(
  authorization: string | undefined,
  apps: readonly FakeGitHubApp[],
  now = Math.floor(Date.now() / 1000),
): FakeGitHubApp {
  const jwt = /^bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!jwt) throw new AppAuthError(401, 'A JSON web token could not be decoded');
  const [header, payload, signature] = jwt.split('.');
  let claims: unknown;
  try {
    const head = decode(header ?? '');
    if (!isPlainObject(head) || head['alg'] !== 'RS256') throw new Error('alg');
    claims = decode(payload ?? '');
  } catch {
    throw new AppAuthError(401, 'A JSON web token could not be decoded');
  }
  if (!isPlainObject(claims)) throw new AppAuthError(401, 'A JSON web token could not be decoded');
  const { iss, iat, exp } = claims;
  const app = apps.find((candidate) => String(iss) === String(candidate.id) || iss === candidate.clientId);
  if (!app) throw new AppAuthError(401, "'Issuer' claim ('iss') must be an Integer or a client ID");
  const key = typeof app.publicKey === 'string' ? createPublicKey(app.publicKey) : app.publicKey;
  const signed = Buffer.from(`${header}.${payload}`);
  if (!verify('sha256', signed, key, Buffer.from(signature ?? '', 'base64url')))
    throw new AppAuthError(401, 'A JSON web token could not be decoded');
  if (typeof iat !== 'number' || typeof exp !== 'number')
    throw new AppAuthError(401, "Missing 'issued at' or 'expiration time' claim");
  if (iat > now + DRIFT_S)
    throw new AppAuthError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing a time in the past",
    );
  if (exp <= now)
    throw new AppAuthError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  if (exp - iat > MAX_LIFETIME_S)
    throw new AppAuthError(401, "'Expiration time' claim ('exp') is too far in the future");
  return app;
}
