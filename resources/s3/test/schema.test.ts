// schema/*.json are generated from the zod schemas; this test keeps them in step.
// Regenerate with: HANGAR_UPDATE_SCHEMAS=1 npx vitest run test/schema.test.ts
import { readFile, writeFile } from 'node:fs/promises';
import { toJsonSchema } from '@hangar/resource-sdk/json-schema';
import { describe, expect, it } from 'vitest';
import { getParamsSchema, putParamsSchema, sourceSchema } from '../src/source.js';

const schemas = {
  'source.json': toJsonSchema(sourceSchema, 's3 resource source'),
  'get-params.json': toJsonSchema(getParamsSchema, 's3 resource get params'),
  'put-params.json': toJsonSchema(putParamsSchema, 's3 resource put params'),
};

describe('schema/*.json', () => {
  it.each(Object.entries(schemas))('%s matches the zod schema', async (name, schema) => {
    const file = new URL(`../schema/${name}`, import.meta.url);
    const text = `${JSON.stringify(schema, null, 2)}\n`;
    if (process.env['HANGAR_UPDATE_SCHEMAS'] === '1') await writeFile(file, text);
    // Compared as data: the formatter may lay the committed file out differently.
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(text));
  });

  it('lists every source field of the reference resource', () => {
    const properties = Object.keys((schemas['source.json'] as { properties: object }).properties);
    for (const field of [
      'bucket',
      'regexp',
      'versioned_file',
      'access_key_id',
      'secret_access_key',
      'session_token',
      'aws_role_arn',
      'enable_aws_creds_provider',
      'region_name',
      'private',
      'cloudfront_url',
      'endpoint',
      'disable_ssl',
      'skip_ssl_verification',
      'ca_bundle',
      'use_path_style',
      'skip_s3_checksums',
      'checksum_algorithm',
      'server_side_encryption',
      'sse_kms_key_id',
      'disable_multipart',
      'skip_download',
      'initial_path',
      'initial_version',
      'initial_content_text',
      'initial_content_binary',
      'use_v2_signing',
    ])
      expect(properties).toContain(field);
  });
});
