// Plain responses with the headers every answer carries.
import type { ServerResponse } from 'node:http';

const csp = (formAction: string): string =>
  `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action ${formAction}`;

export const securityHeaders = {
  'content-security-policy': csp("'none'"),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** For the sign-in page: its form posts to this server. */
export const formPageHeaders = { ...securityHeaders, 'content-security-policy': csp("'self'") };

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
  headers: Record<string, string> = securityHeaders,
): void {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(body);
}
