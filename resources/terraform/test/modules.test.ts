// Modules from a private git repository over SSH: `private_key` is loaded into an ssh-agent that
// tofu's git uses while `init` fetches them (a real sshd from testkit, real tofu, MinIO state).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  GitRepo,
  startGitServers,
  startMinio,
  tempDir,
  type GitServers,
  type MinioServer,
  type TempDir,
} from '@hangar/testkit';
import { put, s3Source, writeFiles } from './harness.js';

const MODULE_TF = `
variable "name" {
  type = string
}
output "greeting" {
  value = "hello \${var.name}"
}
`;

let servers: GitServers;
let minio: MinioServer;
let work: TempDir;
let moduleUrl: string;

beforeAll(async () => {
  [servers, minio, work] = await Promise.all([
    startGitServers(),
    startMinio(),
    tempDir('hangar-terraform-modules-'),
  ]);
  const bare = await servers.createBareRepo('greeter.git', { branch: 'main' });
  const repo = await GitRepo.init(join(work.path, 'greeter'), { branch: 'main' });
  await repo.commit('greeter module', { 'main.tf': MODULE_TF });
  await repo.addRemote('origin', bare.path);
  await repo.push('origin', 'main');
  moduleUrl = servers.urls('greeter.git').ssh;
  await writeFiles(work.path, {
    'repo/terraform/main.tf': `
module "greeter" {
  source = "git::${moduleUrl}?ref=main"
  name   = "hangar"
}
output "greeting" {
  value = module.greeter.greeting
}
`,
  });
}, 120_000);

afterAll(async () => {
  await servers?.stop();
  await minio?.stop();
  await work?.remove();
});

it('fetches a module over SSH with private_key, and fails to without it', async () => {
  const params = { terraform_source: 'repo/terraform' };
  const without = await put(
    s3Source(minio, 'modules/terraform.tfstate', { env_name: 'nokey' }),
    params,
    work.path,
  );
  expect(without.code).not.toBe(0);
  expect(without.stderr).toMatch(/Failed to download module/);

  const source = s3Source(minio, 'modules/terraform.tfstate', {
    env_name: 'withkey',
    private_key: servers.ssh.privateKey,
  });
  const applied = await put(source, params, work.path);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.meta['greeting']).toBe('hello hangar');
  expect(applied.stderr).not.toContain(servers.ssh.privateKey.trim().split('\n')[1]);
}, 300_000);
