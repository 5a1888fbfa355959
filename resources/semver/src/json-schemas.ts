// Build-time: JSON Schema of source, get params and put params, written to schema/*.json for
// editor autocompletion of pipeline YAML.
import { toJsonSchema } from '@hangar/resource-sdk/json-schema';
import { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export function jsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    'source.json': toJsonSchema(sourceSchema, 'semver resource source'),
    'get-params.json': toJsonSchema(getParamsSchema, 'semver resource get params'),
    'put-params.json': toJsonSchema(putParamsSchema, 'semver resource put params'),
  };
}
