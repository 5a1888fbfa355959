// Build-time helper (not part of the runtime): JSON Schema of a resource's configuration.
import { toJSONSchema } from 'zod/v4/core';
import type { Schema } from './schema.js';

/** JSON Schema (draft 2020-12) of what users write, for editor autocompletion of pipeline YAML. */
export function toJsonSchema(schema: Schema, title: string): Record<string, unknown> {
  return { title, ...toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}

/** The definition's schemas as the files in a resource package's `schema/` directory. */
export function resourceJsonSchemas(definition: {
  name: string;
  source: Schema;
  getParams: Schema;
  putParams: Schema;
}): Record<string, Record<string, unknown>> {
  return {
    'source.json': toJsonSchema(definition.source, `${definition.name} resource source`),
    'get-params.json': toJsonSchema(definition.getParams, `${definition.name} resource get params`),
    'put-params.json': toJsonSchema(definition.putParams, `${definition.name} resource put params`),
  };
}
