// JSON Schema of what users write in pipeline YAML: source, put params and get params.
import { toJsonSchema } from '@hangar/resource-sdk/json-schema';
import { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export function jsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    'source.json': toJsonSchema(sourceSchema, 'terraform resource: source'),
    'put-params.json': toJsonSchema(putParamsSchema, 'terraform resource: put params'),
    'get-params.json': toJsonSchema(getParamsSchema, 'terraform resource: get params'),
  };
}
