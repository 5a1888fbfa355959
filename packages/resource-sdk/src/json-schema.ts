// Build-time helper (not part of the runtime): JSON Schema of a resource's configuration.
import { toJSONSchema } from 'zod/v4/core';
import type { Schema } from './schema.js';

/** JSON Schema (draft 2020-12) of what users write, for editor autocompletion of pipeline YAML. */
export function toJsonSchema(schema: Schema, title: string): Record<string, unknown> {
  return { title, ...toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}
