import { describe, expect, it } from 'vitest';
import { mergeConfig, requireBackend, stateHome } from './config.js';
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

  describe('storage, migrated_from_storage and backend_type, as the reference validates them', () => {
    const home = (raw: unknown) => {
      const source = z.parse(sourceSchema, raw);
      return stateHome(source, source);
    };
    const storage = { bucket: 'b', bucket_path: 'envs', access_key_id: 'id', secret_access_key: 'x' };

    it('storage without a backend is the storage mode', () => {
      expect(home({ storage }).kind).toBe('storage');
    });

    it('an all-unset storage block is no storage (Go compares it with the zero struct)', () => {
      expect(home({ backend_type: 's3', storage: { bucket: '', use_signing_v2: false } })).toEqual({
        kind: 'backend',
        backendType: 's3',
      });
    });

    it('refuses storage with backend_type, naming migrated_from_storage', () => {
      expect(() => home({ backend_type: 's3', storage })).toThrow(/rename storage to migrated_from_storage/);
    });

    it('refuses migrated_from_storage without backend_type, and with storage', () => {
      expect(() => home({ migrated_from_storage: storage })).toThrow(/needs source\.backend_type/);
      expect(() => home({ storage, migrated_from_storage: storage })).toThrow(/exclude each other/);
    });

    it('keeps migrated_from_storage beside the backend', () => {
      expect(home({ backend_type: 's3', migrated_from_storage: storage })).toEqual({
        kind: 'backend',
        backendType: 's3',
        migratedFrom: storage,
      });
    });
  });
});
