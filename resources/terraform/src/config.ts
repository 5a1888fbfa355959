// Merging source with params, and the checks that schemas cannot express.
import { ConfigError } from '@hangar/resource-sdk';
import { isStorageSet } from './legacy-storage.js';
import type { LegacyStorageModel, Source, TerraformConfig } from './source.js';

/** Merged key by key; `backend_config` is not: params that give one replace the source's, as in the reference. */
const MAP_FIELDS = ['vars', 'env'] as const;
const BOOLEAN_FIELDS = ['delete_on_failure', 'plan_only', 'plan_run', 'summary_metadata'] as const;
const VALUE_FIELDS = [
  'backend_type',
  'backend_config',
  'terraform_source',
  'var_files',
  'private_key',
  'import_files',
  'override_files',
  'module_override_files',
  'plugin_dir',
  'parallelism',
  'lock_timeout',
  'output_module',
] as const;

/**
 * Source first, params on top: `vars` and `env` merge key by key (params win), booleans are OR-ed,
 * any other field set in params (`backend_config` included) replaces the source's.
 */
export function mergeConfig(source: TerraformConfig, params: TerraformConfig): TerraformConfig {
  const merged: TerraformConfig = {};
  const assign = <K extends keyof TerraformConfig>(key: K, value: TerraformConfig[K] | undefined) => {
    if (value !== undefined) merged[key] = value;
  };
  for (const key of VALUE_FIELDS) assign(key, params[key] ?? source[key]);
  for (const key of MAP_FIELDS) {
    if (source[key] || params[key]) assign(key, { ...source[key], ...params[key] });
  }
  for (const key of BOOLEAN_FIELDS) if (source[key] || params[key]) merged[key] = true;
  return merged;
}

/** Where states live: a backend (optionally still reading a legacy storage), or the legacy storage. */
export type StateHome =
  | { kind: 'backend'; backendType: string; migratedFrom?: LegacyStorageModel }
  | { kind: 'storage'; storage: LegacyStorageModel };

/** The reference's `Source.Validate` rules between `backend_type`, `storage` and `migrated_from_storage`. */
export function stateHome(source: Source, config: TerraformConfig): StateHome {
  const storage = isStorageSet(source.storage) ? source.storage : undefined;
  const migratedFrom = isStorageSet(source.migrated_from_storage) ? source.migrated_from_storage : undefined;
  if (storage && migratedFrom)
    throw new ConfigError(`source.storage and source.migrated_from_storage exclude each other: keep one`);
  if (storage) {
    if (config.backend_type)
      throw new ConfigError(
        `source.storage and backend_type exclude each other: to move its environments into the backend, rename storage to migrated_from_storage`,
      );
    return { kind: 'storage', storage };
  }
  if (migratedFrom && !config.backend_type)
    throw new ConfigError(
      `source.migrated_from_storage needs source.backend_type and backend_config: the backend its environments move to`,
    );
  return { kind: 'backend', backendType: requireBackend(config), ...(migratedFrom ? { migratedFrom } : {}) };
}

/** Checks shared by every script once source and params are merged. */
export function requireBackend(config: TerraformConfig): string {
  const type = config.backend_type;
  if (!type) throw new ConfigError(`missing required field 'source.backend_type' (for example s3)`);
  if (type === 'local')
    throw new ConfigError(
      `invalid 'source.backend_type': 'local' keeps state inside the build container, where it is lost; use a remote backend such as s3`,
    );
  return type;
}
