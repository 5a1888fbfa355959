// What a task runs in on a runtime with images: the step's `image:` artifact, else the config's
// `image_resource`, else nothing (Concourse's precedence); and `container_limits` in numbers.
import { withTypeDefaults } from '../model/defaults.js';
import type { ResourceTypeConfig, TaskConfig, TaskStep } from '../model/types.js';
import type { ContainerLimits, TaskImage } from '../runtime/runtime.js';
import type { StepState } from './context.js';
import { StepError } from './errors.js';

export function taskImage(
  step: TaskStep,
  config: TaskConfig,
  state: StepState,
  resourceTypes: readonly ResourceTypeConfig[],
): TaskImage {
  if (step.image !== undefined) {
    const dir = state.scope.artifact(step.image);
    if (dir === undefined) throw new StepError(`image artifact '${step.image}' not found`);
    return { kind: 'artifact', dir };
  }
  const res = config.image_resource;
  if (res) {
    const version = res.version ? stringMap(asMap(res.version, 'version')) : undefined;
    return {
      kind: 'resource',
      resource: {
        type: res.type,
        source: asMap(withTypeDefaults(res.source, res.type, resourceTypes) ?? {}, 'source'),
        params: res.params ? asMap(res.params, 'params') : undefined,
        ...(version ? { version } : {}),
      },
    };
  }
  if (config.rootfs_uri) throw new StepError('rootfs_uri is not supported: use image_resource');
  return { kind: 'none' };
}

/** Vars are resolved by now, so a string here is a var that held a string. */
function asMap(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StepError(`image_resource.${field} must be a map`);
  }
  return value as Record<string, unknown>;
}

function stringMap(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

const units: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Memory as Concourse reads it: bytes, or `512MB`/`1GiB`/`1G`, every unit binary. */
export function memoryBytes(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(value);
  const unit = units[(m?.[2] ?? '').toUpperCase()];
  if (!m || unit === undefined) throw new StepError(`invalid container_limits.memory '${value}'`);
  return Math.round(Number(m[1]) * unit);
}

export function containerLimits(limits: TaskConfig['container_limits']): ContainerLimits | undefined {
  if (!limits) return undefined;
  const memory = limits.memory === null || limits.memory === undefined ? 0 : memoryBytes(limits.memory);
  const cpu = Number(limits.cpu ?? 0);
  if (!memory && !cpu) return undefined;
  return { ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}) };
}
