// Who may do what. Reads are open on a loopback bind without a configured token and need the
// token otherwise; actions always
// need the token (Bearer, Basic password, or the cookie set by /auth) and a custom header, which a
// cross-site form or fetch cannot send without a CORS preflight we never approve.
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

export const csrfHeader = 'x-hangar-request';
export const tokenCookie = 'hangar_token';

export interface AuthConfig {
  token: string;
  /** Bound to 127.0.0.1/::1: Host must name the loopback. */
  loopback: boolean;
  /** Not bound to the loopback, or a token was configured: every route needs it. */
  readsNeedToken: boolean;
}

export const newToken = (): string => randomBytes(24).toString('base64url');

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function authenticated(req: IncomingMessage, config: AuthConfig): boolean {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return same(header.slice(7), config.token);
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return same(decoded.slice(decoded.indexOf(':') + 1), config.token);
  }
  const fromCookie = cookie(req, tokenCookie);
  return fromCookie !== undefined && same(fromCookie, config.token);
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

/**
 * Actions come from our own page (custom header; Origin, when sent, is this server) or from a client
 * that sends its credentials itself (fly's Bearer token, Basic): a browser never adds an
 * Authorization header to a cross-site request on its own, only the cookie.
 */
export function csrfSafe(req: IncomingMessage): boolean {
  if (req.headers.authorization !== undefined) return true;
  if (req.headers[csrfHeader] === undefined) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host ?? ''}`;
}
