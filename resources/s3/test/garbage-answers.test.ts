// A store (or a proxy in front of it) that answers 200 with something that is not S3's answer:
// one line naming the operation, the endpoint, the status and what was wrong, the body's start
// with secrets blanked, and never "the bucket is empty".
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@hangar/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './harness.js';

const SECRET = 'wJalrXUtnFEMI-garbage-test-secret';
let answer = { type: 'text/html', body: '' };
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': answer.type,
      'content-length': Buffer.byteLength(answer.body),
    });
    response.end(answer.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise((done) => server.close(done)));

const source = (fields: Record<string, unknown>) => ({
  bucket: 'builds',
  endpoint,
  use_path_style: true,
  access_key_id: 'AKIAGARBAGE',
  secret_access_key: SECRET,
  max_attempts: 1,
  ...fields,
});

const LISTING_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">';

/** The one error line, checked for what every such line must hold. */
function errorLine(result: { code: number; stdout: string; stderr: string }, operation: string): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  const line = lines[0] ?? '';
  expect(line).toContain(`${operation} at ${endpoint} answered HTTP 200 with `);
  expect(line).not.toContain(SECRET);
  const body = /; body: (".*")$/.exec(line)?.[1];
  if (body) expect((JSON.parse(body) as string).length).toBeLessThanOrEqual(201);
  return line;
}

describe('check against a store that answers garbage', () => {
  it.each([
    [
      'HTML with 200 (a login page)',
      {
        type: 'text/html',
        body: `<html><body><h1>Sign in</h1><p>session=abc123 key ${SECRET}</p>${'<p>filler</p>'.repeat(40)}</body></html>`,
      },
      /with <html> where S3 sends <ListBucketResult>; body: "<html><body><h1>Sign in<\/h1><p>session=\(\(redacted\)\) key \(\(redacted\)\)/,
    ],
    ['an empty body', { type: 'application/xml', body: '' }, /with an empty body$/],
    [
      'JSON',
      { type: 'application/json', body: '{"objects":[]}' },
      /with application\/json, not XML; body: "\{\\"objects\\":\[\]\}"$/,
    ],
    [
      'truncated XML',
      {
        type: 'application/xml',
        body: `${LISTING_HEAD}<Name>builds</Name><Contents><Key>app-1.tgz</Key><LastMod`,
      },
      /with a truncated <ListBucketResult> document; body: "<\?xml/,
    ],
    [
      'values of the wrong type',
      {
        type: 'application/xml',
        body: `${LISTING_HEAD}<Name>builds</Name><IsTruncated>false</IsTruncated><Contents><Key>app-1.tgz</Key><LastModified>yesterday</LastModified></Contents></ListBucketResult>`,
      },
      /with an answer the SDK cannot read \(.*yesterday.*\); body: "<\?xml/,
    ],
  ])('%s: regexp listing fails in one line', async (_name, garbage, message) => {
    answer = garbage;
    const result = await run('check', { source: source({ regexp: 'app-(.*).tgz' }) });
    expect(errorLine(result, 'ListObjectsV2')).toMatch(message);
    expect(result.stderr).toMatch(/^error: cannot list s3:\/\/builds\/app-: /);
  });

  it('the versioning state of a versioned_file bucket', async () => {
    answer = { type: 'text/html', body: '<html>maintenance</html>' };
    const result = await run('check', { source: source({ versioned_file: 'state.json' }) });
    expect(errorLine(result, 'GetBucketVersioning')).toMatch(
      /<html> where S3 sends <VersioningConfiguration>/,
    );
  });
});

describe('put against a store that answers garbage', () => {
  it('a multipart upload that never gets an upload id', async () => {
    answer = { type: 'text/html', body: '<html>proxy error</html>' };
    await using work = await tempDir();
    await writeFile(join(work.path, 'big-1.bin'), Buffer.alloc(6 * 1024 * 1024));
    const result = await run(
      'out',
      { source: source({ regexp: 'big-(.*).bin', part_size_mb: 5 }), params: { file: 'big-1.bin' } },
      work.path,
    );
    expect(errorLine(result, 'CreateMultipartUpload')).toMatch(
      /<html> where S3 sends <InitiateMultipartUploadResult>/,
    );
  });
});
