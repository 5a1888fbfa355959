// Providers from outside any registry, as the reference's out_custom_plugins_test uses them
// (#21 TF56, TF57): OpenTofu's own test provider from an absolute plugin_dir, or from
// terraform_source/terraform.d/plugins. Real tofu and MinIO.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTestProvider, startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import { check, put, s3Source, writeFiles } from './harness.js';

const configUsing = (source: string) => `
terraform {
  required_providers {
    simple = { source = "${source}", version = "1.0.0" }
  }
}
variable "value" {
  default = "first"
}
resource "simple_resource" "thing" {
  value = var.value
}
output "value" {
  value = simple_resource.thing.value
}
`;

let minio: MinioServer;
let work: TempDir;
/** An absolute directory outside the put directory, as the suite's temp plugin dir. */
let pluginDir: string;
beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio(), tempDir('hangar-terraform-providers-')]);
  pluginDir = join(work.path, 'plugins');
  const source = await installTestProvider(pluginDir);
  const vendored = await installTestProvider(join(work.path, 'put/vendored/terraform.d/plugins'));
  await writeFiles(join(work.path, 'put'), {
    'custom/main.tf': configUsing(source),
    'vendored/main.tf': configUsing(vendored),
  });
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

const putDir = () => join(work.path, 'put');

describe('TF56: an absolute plugin_dir', () => {
  it('supplies the provider for apply, update and destroy', async () => {
    const source = s3Source(minio, 'plugins/tf.tfstate', { env_name: 'plugged' });
    const params = { terraform_source: 'custom', plugin_dir: pluginDir };
    const created = await put(source, params, putDir());
    expect(created.code, created.stderr).toBe(0);
    expect(created.meta['value']).toBe('first');
    const updated = await put(source, { ...params, vars: { value: 'second' } }, putDir());
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.meta['value']).toBe('second');
    expect(Number(updated.version['serial'])).toBeGreaterThan(Number(created.version['serial']));
    const destroyed = await put(source, { ...params, action: 'destroy' }, putDir());
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stderr).toContain('Destroy complete! Resources: 1 destroyed.');
    expect((await check(source)).versions).toEqual([]);
  });

  it('supplies the provider for plan_only, then plan_run', async () => {
    const source = s3Source(minio, 'plugins/tf.tfstate', { env_name: 'planned' });
    const params = { terraform_source: 'custom', plugin_dir: pluginDir };
    const planned = await put(source, { ...params, plan_only: true, vars: { value: 'planned' } }, putDir());
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.version['plan_only']).toBe('true');
    const applied = await put(source, { ...params, plan_run: true }, putDir());
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.version['plan_only']).toBeUndefined();
    expect(applied.meta['value']).toBe('planned');
  });

  it('is needed: without it init finds no such provider', async () => {
    const result = await put(
      s3Source(minio, 'plugins/tf.tfstate', { env_name: 'unplugged' }),
      { terraform_source: 'custom' },
      putDir(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('example.test/hangar/simple');
  });
});

describe('TF57: providers in terraform_source/terraform.d/plugins', () => {
  it('are found without plugin_dir', async () => {
    const result = await put(
      s3Source(minio, 'vendored/tf.tfstate', { env_name: 'vendored' }),
      { terraform_source: 'vendored', vars: { value: 'vendored' } },
      putDir(),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.meta['value']).toBe('vendored');
  });
});
