// HTTP transport for both Slack clients: TLS and proxy settings from source, applied through an
// undici dispatcher handed to the clients as their `fetch`.
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';

export interface TransportOptions {
  insecure: boolean;
  /** Extra PEM certificates trusted on top of the system bundle. */
  caCerts: readonly string[];
  proxy: string | undefined;
  /** Tunnel plain-HTTP targets through the proxy with CONNECT (HTTPS targets always are). */
  proxyTunnel: boolean;
}

/** The subset of fetch the Slack clients call. */
export type SlackFetch = (
  url: string | URL,
  init?: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | FormData;
    signal?: AbortSignal;
  },
) => ReturnType<typeof undiciFetch>;

export function createFetch(options: TransportOptions): SlackFetch {
  const tls = {
    rejectUnauthorized: !options.insecure,
    ...(options.caCerts.length ? { ca: [...rootCertificates, ...options.caCerts] } : {}),
  };
  const dispatcher: Dispatcher = options.proxy
    ? new ProxyAgent({ uri: options.proxy, requestTls: tls, proxyTunnel: options.proxyTunnel })
    : new Agent({ connect: tls });
  return (url, init = {}) =>
    undiciFetch(url, {
      ...init,
      // Never follow redirects: a redirected webhook would carry the payload somewhere unexpected.
      redirect: 'error',
      dispatcher,
    } as Parameters<typeof undiciFetch>[1]);
}
