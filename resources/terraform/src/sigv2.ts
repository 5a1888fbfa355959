// S3 signature version 2, which the reference's storage driver uses for every non-AWS endpoint
// (unless use_signing_v4) and on request (use_signing_v2); some older S3-compatible stores accept
// nothing else. The header form: `Authorization: AWS <key id>:<HMAC-SHA1 of the string to sign>`.
import { createHmac } from 'node:crypto';
import type { LegacyStorageModel } from './source.js';

/** The parts of an HTTP request the signature covers (structurally the SDK's HttpRequest). */
export interface SignableRequest {
  method: string;
  path: string;
  query?: Record<string, string | (string | null)[] | null>;
  headers: Record<string, string>;
}

/** Query parameters that are part of the signed resource (the others are not). */
const SUBRESOURCES = new Set([
  'acl',
  'delete',
  'location',
  'logging',
  'notification',
  'partNumber',
  'policy',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
]);

/** As the reference decides: v2 when asked, or for any custom endpoint unless v4 is asked for. */
export const usesSigV2 = (model: LegacyStorageModel): boolean =>
  Boolean(model.use_signing_v2 || (!model.use_signing_v4 && model.endpoint));

export function stringToSign(request: SignableRequest): string {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value.trim()]),
  );
  const amz = Object.keys(headers)
    .filter((name) => name.startsWith('x-amz-'))
    .sort()
    .map((name) => `${name}:${headers[name]}\n`)
    .join('');
  const subresources = Object.entries(request.query ?? {})
    .filter(([name]) => SUBRESOURCES.has(name))
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((item) => (item ? `${name}=${item}` : name)),
    )
    .sort();
  const resource = subresources.length ? `${request.path}?${subresources.join('&')}` : request.path;
  // With x-amz-date the Date line is empty: the signed time is the x-amz-date header's.
  const date = headers['x-amz-date'] ? '' : (headers['date'] ?? '');
  return [
    request.method,
    headers['content-md5'] ?? '',
    headers['content-type'] ?? '',
    date,
    `${amz}${resource}`,
  ].join('\n');
}

/** A request signer for the SDK's `signer` option. */
export function sigV2Signer(accessKeyId: string, secretAccessKey: string) {
  return {
    sign<T extends SignableRequest>(request: T): Promise<T> {
      request.headers['x-amz-date'] = new Date().toUTCString();
      const signature = createHmac('sha1', secretAccessKey).update(stringToSign(request)).digest('base64');
      request.headers['authorization'] = `AWS ${accessKeyId}:${signature}`;
      return Promise.resolve(request);
    },
  };
}
