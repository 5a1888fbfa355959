// The reference's Merge for the fields its models test names (#21 TF61 and the backend_config row).
import { expect, it } from 'vitest';
import { mergeConfig } from './config.js';
import type { TerraformConfig } from './source.js';

const fromSource: TerraformConfig = {
  backend_type: 's3',
  backend_config: { bucket: 'state', key: 'a.tfstate', access_key: 'id', secret_key: 'secret' },
  import_files: ['source-imports.yml'],
  override_files: ['source_override.tf'],
  module_override_files: [{ src: 'source.tf', dst: 'modules/a' }],
  plugin_dir: '/source/plugins',
  private_key: 'source-key',
  delete_on_failure: false,
};

it('takes every non-var field from params when params set it, the whole backend_config included', () => {
  const fromParams: TerraformConfig = {
    backend_type: 'gcs',
    backend_config: { bucket: 'other' },
    import_files: ['params-imports.yml'],
    override_files: ['params_override.tf'],
    module_override_files: [{ src: 'params.tf', dst: 'modules/b' }],
    plugin_dir: '/params/plugins',
    private_key: 'params-key',
    delete_on_failure: true,
  };
  expect(mergeConfig(fromSource, fromParams)).toEqual(fromParams);
});

it('keeps the source fields (private_key, backend_config, ...) that params leave unset', () => {
  const { delete_on_failure: _unset, ...kept } = fromSource;
  expect(mergeConfig(fromSource, { vars: { a: 1 } })).toEqual({ ...kept, vars: { a: 1 } });
});
