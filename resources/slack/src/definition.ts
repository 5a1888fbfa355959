// The slack resource: notifications through an incoming webhook or a bot token.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { get } from './in.js';
import { out } from './out.js';
import { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export const slackResource = defineResource({
  name: 'slack',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  // jq reads only the keys it asks for: an unknown key is a warning naming the nearest known one.
  unknownKeys: 'warn',
  // Its check/in/out print `{version}` alone unless asked for metadata.
  emptyMetadata: 'omit',
  // A webhook URL is a credential even though its key is just "url".
  secretKeys: ['url'],
  check,
  in: get,
  out,
});

export { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';
