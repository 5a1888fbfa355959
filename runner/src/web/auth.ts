// Who may do what. Reads are open on a loopback bind without a configured token or local users and
// need sign-in otherwise; actions always need it: the token (HANGAR_WEB_TOKEN or generated), a token
// issued at sign-in, or a local user's password (Basic); sent by the client itself, or as the cookie
// set by /auth or /login plus a custom header, which a cross-site form or fetch cannot send without
// a CORS preflight we never approve.
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import type { AuthTokens } from '../store/auth-tokens.js';
import type { LocalUsers } from './local-users.js';

export const csrfHeader = 'x-hangar-request';
export const tokenCookie = 'hangar_token';

export interface AuthConfig {
  token: string;
  /** Bound to 127.0.0.1/::1: Host must name the loopback. */
  loopback: boolean;
  /** Not bound to the loopback, or a token or local users were configured: every route needs sign-in. */
  readsNeedToken: boolean;
  users: LocalUsers;
  /** Tokens issued at sign-in (fly login, the /login page). */
  tokens: AuthTokens;
}

/** Who HANGAR_WEB_TOKEN (or the generated one) signs in as. */
export const tokenUser = 'token';

export const newToken = (): string => randomBytes(24).toString('base64url');

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A bearer token's user: the configured token's, or the one the server issued it to. */
function userOfToken(token: string, config: AuthConfig): string | undefined {
  return same(token, config.token) ? tokenUser : config.tokens.user(token);
}

/** The request's user (Bearer token, Basic password, or the sign-in cookie); undefined if none. */
export function requestUser(req: IncomingMessage, config: AuthConfig): string | undefined {
  const header = req.headers.authorization ?? '';
  if (/^bearer /i.test(header)) return userOfToken(header.slice(7), config);
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return passwordUser(decoded.slice(0, colon), decoded.slice(colon + 1), config);
  }
  const fromCookie = cookie(req, tokenCookie);
  return fromCookie === undefined ? undefined : userOfToken(fromCookie, config);
}

/** A local user's password, or the configured token with any user name. */
export function passwordUser(name: string, password: string, config: AuthConfig): string | undefined {
  if (config.users.verify(name, password)) return name;
  return same(password, config.token) ? tokenUser : undefined;
}

/**
 * On a loopback bind the Host header must name the loopback too: a page on another site that
 * resolves its own name to 127.0.0.1 (DNS rebinding) is refused.
 */
export function hostAllowed(req: IncomingMessage, config: AuthConfig): boolean {
  if (!config.loopback) return true;
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0]!;
  return isLoopback(name) || (isIPv6(name) && name === '::1');
}

/** A client that sends a Bearer token itself (fly): never a browser on its own. */
export const sentBearer = (req: IncomingMessage): boolean =>
  /^bearer /i.test(req.headers.authorization ?? '');

/**
 * Actions come from our own page (custom header; Origin, when sent, is this server) or from a client
 * that sends its Bearer token itself (fly): a browser never adds a Bearer token to a request on its
 * own. It does resend Basic credentials typed into its prompt (a local user's, with local users
 * configured) with cross-site requests, so those need the custom header like the cookie.
 */
export function csrfSafe(req: IncomingMessage): boolean {
  if (sentBearer(req)) return true;
  if (req.headers[csrfHeader] === undefined) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host ?? ''}`;
}
