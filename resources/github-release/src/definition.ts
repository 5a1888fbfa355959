// The github-release resource: GitHub releases and their assets.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { get } from './in.js';
import { out } from './out.js';
import { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export const githubReleaseResource = defineResource({
  name: 'github-release',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  // Go's json.Unmarshal ignores keys it does not know: a warning naming the nearest known key.
  unknownKeys: 'warn',
  check,
  in: get,
  out,
});

export { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';
