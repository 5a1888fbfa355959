// `--strict`: the first key anywhere in a section item that its zod schema does not declare.
// Free-form maps (records) and step maps (checked by the step parser) are not descended into.
import type { z } from 'zod';
import { isMap } from './decode.js';
import type { DataPath } from './source.js';

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** The object schemas a (possibly wrapped) schema can stand for. */
function objectShapes(schema: unknown): Record<string, unknown>[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [def.shape as Record<string, unknown>];
    case 'optional':
    case 'nullable':
    case 'default':
      return objectShapes(def.innerType);
    case 'pipe':
      return objectShapes(def.out);
    case 'union':
      return (def.options as unknown[]).flatMap(objectShapes);
    default:
      return [];
  }
}

function elementSchemas(schema: unknown): unknown[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'array':
      return [def.element];
    case 'optional':
    case 'nullable':
    case 'default':
      return elementSchemas(def.innerType);
    case 'pipe':
      return elementSchemas(def.out);
    case 'union':
      return (def.options as unknown[]).flatMap(elementSchemas);
    default:
      return [];
  }
}

export function firstUnknownKey(schema: z.ZodType, data: unknown, path: DataPath): DataPath | undefined {
  if (Array.isArray(data)) {
    for (const element of elementSchemas(schema)) {
      for (const [i, item] of data.entries()) {
        const found = firstUnknownKey(element as z.ZodType, item, [...path, i]);
        if (found) return found;
      }
    }
    return undefined;
  }
  if (!isMap(data)) return undefined;
  const shapes = objectShapes(schema);
  if (shapes.length === 0) return undefined;
  const shape = shapes.find((s) => Object.keys(data).every((k) => k in s)) ?? shapes[0] ?? {};
  for (const [key, value] of Object.entries(data)) {
    const field = shape[key];
    if (field === undefined) return [...path, key];
    const found = firstUnknownKey(field as z.ZodType, value, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
