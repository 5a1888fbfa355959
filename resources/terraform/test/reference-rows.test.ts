// What ljfranklin/terraform-resource's own suite checks (at 3ede694) and the other files do not:
// one describe per row of the #21 audit (TFn), against real tofu and a real MinIO.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import { BASIC_MAIN_TF, check, get, listKeys, put, s3Source, writeFiles } from './harness.js';

const MAPS_TF = `
variable "plain" {
  type = map(string)
}
variable "from_yaml" {
  type = map(number)
}
variable "from_json" {
  type = list(string)
}
variable "nested" {
  type = map(map(string))
}
output "all" {
  value = { plain = var.plain, from_yaml = var.from_yaml, from_json = var.from_json, nested = var.nested }
}
`;

let minio: MinioServer;
let work: TempDir;
beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio({ kms: true }), tempDir('hangar-terraform-rows-')]);
  await writeFiles(work.path, {
    'basic/main.tf': BASIC_MAIN_TF,
    'maps/main.tf': MAPS_TF,
    'maps/counts.yml': 'from_yaml:\n  web: 2\n  worker: 3\n',
    'maps/zones.json': '{"from_json": ["a", "b"]}',
    'maps/nested.tfvars': 'nested = {\n  eu = { region = "eu-west-1" }\n  us = { region = "us-east-1" }\n}\n',
    'silent/main.tf': 'resource "terraform_data" "quiet" {\n  input = "no outputs here"\n}\n',
    'strict/main.tf':
      'variable "bucket" {\n  type     = string\n  nullable = false\n}\n' +
      'resource "terraform_data" "b" {\n  input = var.bucket\n}\n',
  });
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

const backendOf = (source: Record<string, unknown>) => source['backend_config'] as Record<string, unknown>;

describe('TF7: a default workspace whose state names providers the image lacks', () => {
  it('leaves check and get of another environment working', async () => {
    const key = 'custom-default/tf.tfstate';
    const source = s3Source(minio, key, { env_name: 'seven' });
    const applied = await put(source, { terraform_source: 'basic' }, work.path);
    expect(applied.code, applied.stderr).toBe(0);
    // What another tool left in the default workspace (the key itself): a provider from nowhere.
    const foreign = {
      version: 4,
      terraform_version: '1.5.0',
      serial: 3,
      lineage: 'f00dfeed-0000-4000-8000-000000000007',
      outputs: {},
      resources: [
        {
          mode: 'managed',
          type: 'custom_thing',
          name: 'example',
          provider: 'provider["example.test/acme/custom"]',
          instances: [{ schema_version: 0, attributes: { id: 'thing-1' } }],
        },
      ],
    };
    const s3 = minio.client();
    try {
      await s3.send(
        new PutObjectCommand({ Bucket: minio.unversionedBucket, Key: key, Body: JSON.stringify(foreign) }),
      );
    } finally {
      s3.destroy();
    }
    const checked = await check(source);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.versions).toEqual([applied.version]);
    const got = await get(source, applied.version, {}, join(work.path, 'get-seven'));
    expect(got.code, got.stderr).toBe(0);
    expect(got.version).toEqual(applied.version);
    expect(got.meta['greeting']).toBe('hello');
  });
});

describe('TF8: check fails when the backend does', () => {
  it('exits 1 with one line when init cannot reach the state, never echoing the secret', async () => {
    const source = s3Source(minio, 'eight/tf.tfstate', { env_name: 'eight' });
    const wrong = { ...source, backend_config: { ...backendOf(source), secret_key: 'wrong-secret-8d1e' } };
    const checked = await check(wrong);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/^error: .*tofu init/m);
    expect(checked.stderr).not.toContain('wrong-secret-8d1e');
  });
});

describe('TF9: a version without env_name', () => {
  it('is an error naming env_name in check and in get', async () => {
    const source = s3Source(minio, 'nine/tf.tfstate');
    const checked = await check(source, { serial: '1', lineage: 'x' });
    expect(checked.code).toBe(1);
    expect(checked.stderr.trim()).toMatch(/^error: .*no env_name/);
    const got = await get(source, { serial: '1' }, {}, join(work.path, 'get-nine'));
    expect(got.code).toBe(1);
    expect(got.stderr.trim()).toMatch(/^error: .*no env_name/);
  });
});

describe('TF13: terraform fields in get params', () => {
  it('are merged over the source: a backend_config given only in get params is used', async () => {
    const source = s3Source(minio, 'thirteen/tf.tfstate', { env_name: 'thirteen' });
    const applied = await put(source, { terraform_source: 'basic' }, work.path);
    expect(applied.code, applied.stderr).toBe(0);
    const got = await get(
      { backend_type: 's3', env_name: 'thirteen' },
      applied.version,
      { backend_config: backendOf(source) },
      join(work.path, 'get-thirteen'),
    );
    expect(got.code, got.stderr).toBe(0);
    expect(got.version).toEqual(applied.version);
    expect(got.meta['greeting']).toBe('hello');
  });

  it('replace the whole source backend_config, as the reference merges it', async () => {
    const source = s3Source(minio, 'thirteen/tf.tfstate', { env_name: 'thirteen' });
    // Only the key in params: the source's bucket and credentials are not used, so init fails.
    const got = await get(
      source,
      { env_name: 'thirteen', serial: '1' },
      { backend_config: { key: 'thirteen/tf.tfstate' } },
      join(work.path, 'get-thirteen-key'),
    );
    expect(got.code).toBe(1);
    expect(got.stderr).toMatch(/bucket/);
  });
});

describe('TF14: get with action: destroy', () => {
  it('answers the given version and writes name but no metadata', async () => {
    const dir = join(work.path, 'get-fourteen');
    const version = { env_name: 'fourteen', serial: '1' };
    const got = await get(
      s3Source(minio, 'fourteen/tf.tfstate', { env_name: 'fourteen' }),
      version,
      { action: 'destroy' },
      dir,
    );
    expect(got.code, got.stderr).toBe(0);
    expect(got.version).toEqual(version);
    expect(got.metadata).toEqual([]);
    expect(await readFile(join(dir, 'name'), 'utf8')).toBe('fourteen');
    await expect(access(join(dir, 'metadata'))).rejects.toThrow(/ENOENT/);
  });
});

describe('TF22: everything in source', () => {
  it('applies with empty put params: env_name, terraform_source and vars from source', async () => {
    const source = s3Source(minio, 'twentytwo/tf.tfstate', {
      env_name: 'from-source',
      terraform_source: 'basic',
      vars: { greeting: 'sourced' },
    });
    const applied = await put(source, {}, work.path);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.version['env_name']).toBe('from-source');
    expect(applied.meta['greeting']).toBe('sourced');
  });
});

describe('TF24, TF25: var files and map values', () => {
  it('takes maps from vars, a YAML file, a list from a .json file and a map of maps from .tfvars', async () => {
    const applied = await put(
      s3Source(minio, 'maps/tf.tfstate', { env_name: 'maps' }),
      {
        terraform_source: 'maps',
        vars: { plain: { owner: 'team-a', tier: 'gold' } },
        var_files: ['maps/counts.yml', 'maps/zones.json', 'maps/nested.tfvars'],
      },
      work.path,
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.meta['all'] ?? '')).toEqual({
      plain: { owner: 'team-a', tier: 'gold' },
      from_yaml: { web: 2, worker: 3 },
      from_json: ['a', 'b'],
      nested: { eu: { region: 'eu-west-1' }, us: { region: 'us-east-1' } },
    });
  });
});

describe('TF29: a configuration without outputs', () => {
  it('applies, and its metadata is terraform_version alone', async () => {
    const applied = await put(
      s3Source(minio, 'silent/tf.tfstate', { env_name: 'silent' }),
      { terraform_source: 'silent' },
      work.path,
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.metadata.map(({ name }) => name)).toEqual(['terraform_version']);
    expect(applied.meta['terraform_version']).toMatch(/^OpenTofu v/);
  });
});

describe('TF30: sensitive outputs', () => {
  it('are hidden in the metadata and absent from the log', async () => {
    const applied = await put(
      s3Source(minio, 'thirty/tf.tfstate', { env_name: 'thirty' }),
      { terraform_source: 'basic', vars: { greeting: 'psst' } },
      work.path,
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.meta['password']).toBe('<sensitive>');
    expect(applied.stderr).toContain('Apply complete!');
    expect(applied.stderr).not.toContain('s3cr3t-psst');
    expect(applied.stdout).not.toContain('s3cr3t-psst');
  });
});

describe('TF31: a malformed input variable', () => {
  it('fails the put, and the log names the variable', async () => {
    const result = await put(
      s3Source(minio, 'strict/tf.tfstate', { env_name: 'strict' }),
      { terraform_source: 'strict', vars: { bucket: null } },
      work.path,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"bucket"|var\.bucket/);
  });
});

describe('TF37: backend_config reaches the backend', () => {
  const stateEncryption = async (key: string) => {
    const s3 = minio.client();
    try {
      return await s3.send(new HeadObjectCommand({ Bucket: minio.unversionedBucket, Key: key }));
    } finally {
      s3.destroy();
    }
  };

  it('encrypt: true stores the state with SSE (AES256)', async () => {
    const source = s3Source(minio, 'sse/tf.tfstate', { env_name: 'sse' });
    const encrypted = { ...source, backend_config: { ...backendOf(source), encrypt: true } };
    const applied = await put(encrypted, { terraform_source: 'basic' }, work.path);
    expect(applied.code, applied.stderr).toBe(0);
    expect((await stateEncryption('env:/sse/sse/tf.tfstate')).ServerSideEncryption).toBe('AES256');
  });

  it('kms_key_id is sent with every state write: a key the store lacks fails the put there', async () => {
    // MinIO's one test key is named so that tofu's KMS key id check refuses it; a well-formed id
    // it does not hold shows the id travelling with the write, as aws:kms with that key.
    const source = s3Source(minio, 'kms/tf.tfstate', { env_name: 'kms' });
    const backend = { ...backendOf(source), encrypt: true, kms_key_id: 'alias/hangar-absent' };
    const result = await put(
      { ...source, backend_config: backend },
      { terraform_source: 'basic' },
      work.path,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('kms:KeyNotFound');
    expect(await listKeys(minio, 'env:/kms/')).toEqual([]);
  });
});

describe('TF38: TF_LOG in params.env', () => {
  it('reaches tofu: the trace goes to stderr, stdout keeps the one JSON answer', async () => {
    const applied = await put(
      s3Source(minio, 'trace/tf.tfstate', { env_name: 'trace' }),
      { terraform_source: 'basic', env: { TF_LOG: 'TRACE' } },
      work.path,
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('[TRACE]');
    expect(applied.stdout).not.toContain('[TRACE]');
    expect(applied.version['env_name']).toBe('trace');
  });
});

describe('TF44: an action other than destroy', () => {
  it('applies, with a warning, as the suite itself puts with action: plan; a get ignores it too', async () => {
    const source = s3Source(minio, 'actions/tf.tfstate', { env_name: 'actions' });
    const applied = await put(source, { terraform_source: 'basic', action: 'plan' }, work.path);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('Apply complete!');
    expect(applied.stderr).toContain("warning: params.action 'plan' is not destroy: applying");
    expect(applied.version['serial']).toMatch(/^\d+$/);
    const got = await get(source, applied.version, { action: 'plan' }, join(work.path, 'get-actions'));
    expect(got.code, got.stderr).toBe(0);
    expect(got.meta['greeting']).toBe('hello');
  });
});

describe('TF45: env_name default', () => {
  it('applies into the default workspace (the key itself), and a destroy keeps that workspace', async () => {
    const key = 'default-env/tf.tfstate';
    const source = s3Source(minio, key);
    const applied = await put(source, { terraform_source: 'basic', env_name: 'default' }, work.path);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.version['env_name']).toBe('default');
    expect(await listKeys(minio, key)).toEqual([key]);
    const destroyed = await put(
      source,
      { terraform_source: 'basic', env_name: 'default', action: 'destroy' },
      work.path,
    );
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.version).toEqual({ env_name: 'default', serial: '' });
    expect(destroyed.stderr).toContain('Destroy complete!');
    expect(await listKeys(minio, key)).toEqual([key]);
  });
});
