// A custom resource type's `defaults` go under the `source` of every resource of that type (and
// of an image_resource of that type): keys the resource sets win, one level deep as in Concourse.
import type { ResourceTypeConfig } from './schema.js';

export function withTypeDefaults(
  source: unknown,
  type: string,
  resourceTypes: readonly ResourceTypeConfig[],
): unknown {
  const defaults = resourceTypes.find((t) => t.name === type)?.defaults;
  if (!defaults || typeof defaults !== 'object') return source;
  if (source === null || source === undefined) return { ...defaults };
  if (typeof source !== 'object' || Array.isArray(source)) return source;
  return { ...defaults, ...source };
}
