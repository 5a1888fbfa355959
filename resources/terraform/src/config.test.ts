import { describe, expect, it } from 'vitest';
import { mergeConfig, rejectLegacyStorage, requireBackend } from './config.js';
import { sourceSchema } from './source.js';
import * as z from 'zod/mini';

describe('mergeConfig', () => {
  it("merges vars and env key by key with params winning; a backend_config in params replaces the source's", () => {
    const merged = mergeConfig(
      { vars: { a: 1, b: 1 }, env: { X: 's' }, backend_config: { bucket: 'b', key: 'k' } },
      { vars: { b: 2, c: 2 }, env: { Y: 'p' }, backend_config: { key: 'other' } },
    );
    expect(merged.vars).toEqual({ a: 1, b: 2, c: 2 });
    expect(merged.env).toEqual({ X: 's', Y: 'p' });
    expect(merged.backend_config).toEqual({ key: 'other' });
    expect(mergeConfig({ backend_config: { bucket: 'b' } }, {}).backend_config).toEqual({ bucket: 'b' });
  });

  it('ORs booleans: params cannot switch off what source switched on', () => {
    expect(mergeConfig({ delete_on_failure: true }, { delete_on_failure: false }).delete_on_failure).toBe(
      true,
    );
    expect(mergeConfig({}, { plan_only: true }).plan_only).toBe(true);
    expect(mergeConfig({ plan_run: false }, {}).plan_run).toBeUndefined();
  });

  it('lets params replace every other field, lock_timeout included', () => {
    const merged = mergeConfig(
      { lock_timeout: '1s', parallelism: 1, var_files: ['a'], terraform_source: 's', backend_type: 's3' },
      { lock_timeout: '5m', parallelism: 4, var_files: ['b'], terraform_source: 'p' },
    );
    expect(merged).toEqual({
      lock_timeout: '5m',
      parallelism: 4,
      var_files: ['b'],
      terraform_source: 'p',
      backend_type: 's3',
    });
  });
});

describe('checks', () => {
  it('refuses the local backend', () => {
    expect(() => requireBackend({ backend_type: 'local' })).toThrow(/'local' keeps state/);
    expect(requireBackend({ backend_type: 'gcs' })).toBe('gcs');
  });

  it('explains migrated_from_storage as well as storage', () => {
    const source = z.parse(sourceSchema, { backend_type: 's3', migrated_from_storage: { bucket: 'b' } });
    expect(() => rejectLegacyStorage(source)).toThrow(
      /^source\.migrated_from_storage: the legacy storage mode/,
    );
  });
});
