// The s3 resource: versions of objects in S3 or an S3-compatible store.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { get } from './in.js';
import { put } from './out.js';
import { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export const s3Resource = defineResource({
  name: 's3',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  // The reference decodes with Go's json.Unmarshal, which ignores keys it does not know.
  unknownKeys: 'warn',
  // Time to abort a multipart upload when Concourse interrupts a put.
  abortGraceMs: 5_000,
  check,
  in: get,
  out: put,
});

export { sourceSchema, getParamsSchema, putParamsSchema } from './source.js';
