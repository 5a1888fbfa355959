// Files around a put, as ljfranklin/terraform-resource's suite (at 3ede694) checks them, #21 rows:
// paths outside the put directory (TF34), override mistakes (TF55), nothing left in the temp
// directory (TF50, TF60). Real tofu and MinIO.
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import { BASIC_MAIN_TF, generateKey, put, resourceEnv, s3Source, writeFiles } from './harness.js';

const MODULE_TF = `
variable "greeting" {
  default = "original"
}
variable "from_var_file" {
  type = string
}
resource "terraform_data" "existing" {}
module "child" {
  source = "./child"
}
output "id" {
  value = terraform_data.existing.id
}
output "greeting" {
  value = var.greeting
}
output "from_var_file" {
  value = var.from_var_file
}
output "child" {
  value = module.child.word
}
`;

let minio: MinioServer;
let work: TempDir;
/** The put directory; everything else in `work` is outside it. */
let putDir: string;
/** TMPDIR of the resource and of tofu, for this file only (each test file runs in its own process). */
let scratch: string;
const savedTmpdir = process.env['TMPDIR'];

beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio(), tempDir('hangar-terraform-files-')]);
  putDir = join(work.path, 'put');
  scratch = join(work.path, 'scratch');
  await writeFiles(work.path, {
    'put/basic/main.tf': BASIC_MAIN_TF,
    'put/sub/values.yml': 'from_var_file: under-the-put-dir\n',
    'put/ops/greeting_override.tf': 'variable "greeting" {\n  default = "overridden"\n}\n',
    'outside/module/main.tf': MODULE_TF,
    'outside/module/child/main.tf': 'output "word" {\n  value = "original"\n}\n',
    'outside/env-name': '  from absolute file \n',
    'outside/imports.yml': 'terraform_data.existing: absolute-import-34\n',
    'outside/child_override.tf': 'output "word" {\n  value = "overridden too"\n}\n',
  });
  await mkdir(scratch);
  process.env['TMPDIR'] = scratch;
});
afterAll(async () => {
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
  await minio?.stop();
  await work?.remove();
});

const env = () => resourceEnv({ TMPDIR: scratch });

describe('TF34: paths as the reference opens them from the put directory', () => {
  it('takes absolute paths as they are and follows ../; an absolute var file is under the put directory', async () => {
    const result = await put(
      s3Source(minio, 'paths/tf.tfstate'),
      {
        terraform_source: '../outside/module',
        env_name_file: join(work.path, 'outside/env-name'),
        import_files: [join(work.path, 'outside/imports.yml')],
        override_files: ['ops/greeting_override.tf'],
        module_override_files: [
          { src: '../outside/child_override.tf', dst: join(work.path, 'outside/module/child') },
        ],
        var_files: ['/sub/values.yml'],
      },
      putDir,
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.version['env_name']).toBe('from-absolute-file');
    expect(result.stderr).toContain('Import successful!');
    expect(result.meta).toMatchObject({
      id: 'absolute-import-34',
      greeting: 'overridden',
      child: 'overridden too',
      from_var_file: 'under-the-put-dir',
    });
    // the override links are gone again
    expect((await readdir(join(work.path, 'outside/module'))).sort()).toEqual(['child', 'main.tf']);
    expect(await readdir(join(work.path, 'outside/module/child'))).toEqual(['main.tf']);
  });
});

describe('TF55: override mistakes', () => {
  it('fail the put in one line naming the field and the path, linking nothing', async () => {
    const source = s3Source(minio, 'overrides/tf.tfstate', { env_name: 'overrides' });
    const child = join(work.path, 'outside/module/child');
    const cases: [Record<string, unknown>, string][] = [
      [{ override_files: ['ops'] }, "invalid 'override_files[0]': 'ops' is a directory"],
      [
        { override_files: ['ops/none_override.tf'] },
        "invalid 'override_files[0]': 'ops/none_override.tf' does not exist",
      ],
      [
        { module_override_files: [{ src: 'ops', dst: child }] },
        "invalid 'module_override_files[0].src': 'ops' is a directory",
      ],
      [
        { module_override_files: [{ src: 'ops/none.tf', dst: child }] },
        "invalid 'module_override_files[0].src': 'ops/none.tf' does not exist",
      ],
      [
        {
          override_files: ['ops/greeting_override.tf'],
          module_override_files: [{ src: 'ops/greeting_override.tf', dst: 'basic/main.tf' }],
        },
        "invalid 'module_override_files[0].dst': 'basic/main.tf' is a file",
      ],
      [
        { module_override_files: [{ src: 'ops/greeting_override.tf', dst: 'nowhere' }] },
        "invalid 'module_override_files[0].dst': 'nowhere' does not exist",
      ],
      [{ module_override_files: [{ dst: child }] }, 'module_override_files[0].src'],
      [{ module_override_files: [{ src: 'ops/greeting_override.tf' }] }, 'module_override_files[0].dst'],
    ];
    for (const [params, expected] of cases) {
      const result = await put(source, { terraform_source: 'basic', ...params }, putDir, { env: env() });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(expected);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await readdir(join(putDir, 'basic'))).toEqual(['main.tf']);
    expect(await readdir(child)).toEqual(['main.tf']);
  });
});

describe('TF50: no plan log in /tmp', () => {
  it('plan_only and plan_run leave nothing in the temp directory, and no /tmp/tf-plan.log', async () => {
    // The reference writes the plan's log there, credentials and all. The file is machine-wide, so
    // the test asserts that these puts leave it as they found it (absent, or as another wrote it).
    const planLog = () =>
      stat('/tmp/tf-plan.log').then(
        (file) => `${file.mtimeMs}:${file.size}`,
        () => 'absent',
      );
    const before = await planLog();
    const source = s3Source(minio, 'plans/tf.tfstate', { env_name: 'plans' });
    const planned = await put(source, { terraform_source: 'basic', plan_only: true }, putDir, { env: env() });
    expect(planned.code, planned.stderr).toBe(0);
    expect(await readdir(scratch)).toEqual([]);
    const applied = await put(source, { terraform_source: 'basic', plan_run: true }, putDir, { env: env() });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.meta['greeting']).toBe('hello');
    expect(await readdir(scratch)).toEqual([]);
    expect(await planLog()).toBe(before);
  });
});

/** Processes whose command line names `path` (an ssh-agent listening there, say). */
async function processesNaming(path: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(path)) found.push(cmdline.replaceAll('\0', ' '));
  }
  return found;
}

describe('TF60: the ssh-agent of private_key', () => {
  it('holds the key while tofu runs, and is gone with its socket after the put', async () => {
    const seen = join(work.path, 'agent-keys');
    await writeFiles(putDir, {
      'agent/main.tf': `resource "terraform_data" "agent" {
  provisioner "local-exec" {
    command = "ssh-add -l > ${seen}"
  }
}
`,
    });
    const result = await put(
      s3Source(minio, 'agent/tf.tfstate', { env_name: 'agent' }),
      { terraform_source: 'agent', private_key: await generateKey(work.path) },
      putDir,
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(seen, 'utf8')).toMatch(/ hangar-test \(ED25519\)/);
    expect(await readdir(scratch)).toEqual([]);
    expect(await processesNaming(scratch)).toEqual([]);
  });
});
