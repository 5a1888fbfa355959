// The grafana-annotation resource: mark deploys on Grafana dashboards, as points or regions.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { get } from './in.js';
import { out } from './out.js';
import { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export const grafanaAnnotationResource = defineResource({
  name: 'grafana-annotation',
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
