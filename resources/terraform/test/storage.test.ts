// The reference's legacy storage mode (state files <bucket_path>/<env>.tfstate in S3): real tofu,
// real MinIO, and the conditional upload that keeps overlapping puts from losing a state.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Version } from '@hangar/resource-sdk';
import { startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import {
  BASIC_MAIN_TF,
  LogSink,
  check,
  get,
  listKeys,
  put,
  readKey,
  storageModel,
  writeFiles,
  writeKey,
} from './harness.js';

let minio: MinioServer;
let work: TempDir;

/** The reference's storage version: `{serial: "", env_name, last_modified}` (RFC 3339, whole seconds). */
function expectStorageVersion(version: Version, envName: string, planOnly = false): void {
  expect(version['last_modified']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(version).toEqual({
    serial: '',
    env_name: envName,
    last_modified: version['last_modified'],
    ...(planOnly ? { plan_only: 'true' } : {}),
  });
}
const FIRST_TF = 'resource "terraform_data" "first" {\n  input = "one"\n}\n';
/** A second resource whose creation (or destruction) blocks until the test writes to the FIFO `gate`. */
const gatedTf = (gate: string, when: 'create' | 'destroy') => `${FIRST_TF}
resource "terraform_data" "gated" {
  provisioner "local-exec" {
    when    = ${when}
    command = "echo hangar-gate-reached; cat ${gate} > /dev/null"
  }
}
`;
const FAILING_TF = `${FIRST_TF}
resource "terraform_data" "broken" {
  provisioner "local-exec" {
    command = "exit 3"
  }
}
`;

beforeAll(async () => {
  // With a KMS key, so that the state file can be uploaded encrypted.
  [minio, work] = await Promise.all([startMinio({ kms: true }), tempDir('hangar-terraform-storage-')]);
  await writeFiles(work.path, {
    'basic/main.tf': BASIC_MAIN_TF,
    'first/main.tf': FIRST_TF,
    'failing/main.tf': FAILING_TF,
    'import/main.tf': 'resource "terraform_data" "existing" {}\n',
    'import/ids.yml': 'terraform_data.existing: made-elsewhere-5\n',
  });
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

const storageSource = (bucketPath: string, extra: Record<string, unknown> = {}) => ({
  storage: storageModel(minio, bucketPath),
  ...extra,
});
const stateOf = async (key: string) =>
  JSON.parse((await readKey(minio, key)) ?? 'null') as {
    lineage: string;
    resources: { name: string }[];
  } | null;

describe('one environment from first apply to destroy', () => {
  const source = () => storageSource('lifecycle');
  let first: Awaited<ReturnType<typeof put>>;
  beforeAll(async () => {
    first = await put(source(), { env_name: 'blue', terraform_source: 'basic' }, work.path);
  });

  it('apply uploads <bucket_path>/<env>.tfstate and answers {serial: "", env_name, last_modified}', async () => {
    expect(first.stderr).toContain('Apply complete!');
    expect(first.code).toBe(0);
    expectStorageVersion(first.version, 'blue');
    expect(first.meta).toMatchObject({ greeting: 'hello', env: 'blue', password: '<sensitive>' });
    expect(first.stderr).toMatch(/source\.storage is deprecated/);
    expect(await listKeys(minio, 'lifecycle')).toEqual(['lifecycle/blue.tfstate']);
    expect((await stateOf('lifecycle/blue.tfstate'))?.resources.map((r) => r.name)).toEqual(['greeting']);
    for (const text of [first.stdout, first.stderr])
      expect(text).not.toContain(minio.credentials.secretAccessKey);
  });

  it('get writes name, metadata and terraform.tfstate from the state file', async () => {
    const dir = join(work.path, 'get-blue');
    const got = await get(source(), first.version, { output_statefile: true }, dir);
    expect(got.code).toBe(0);
    expect(got.version).toEqual(first.version);
    expect(got.meta).toMatchObject({ greeting: 'hello', password: '<sensitive>' });
    expect(got.meta['terraform_version']).toMatch(/^OpenTofu v/);
    expect(await readFile(join(dir, 'name'), 'utf8')).toBe('blue');
    expect(JSON.parse(await readFile(join(dir, 'metadata'), 'utf8'))).toMatchObject({
      greeting: 'hello',
      password: 's3cr3t-hello',
    });
    expect(await readFile(join(dir, 'terraform.tfstate'), 'utf8')).toBe(
      await readKey(minio, 'lifecycle/blue.tfstate'),
    );
  });

  it('check answers the latest state file under bucket_path, of any environment, unless older than the given version', async () => {
    const green = await put(source(), { env_name: 'green', terraform_source: 'basic' }, work.path);
    expect(green.code).toBe(0);
    const latest = await check({ ...source(), env_name: 'blue' });
    expect(latest.versions).toEqual([green.version]);
    const since = await check(source(), { ...green.version, last_modified: '2999-01-01T00:00:00Z' });
    expect(since.versions).toEqual([]);
  });

  it('a later apply starts from the stored state, with its outputs as the lowest-precedence variables', async () => {
    const changed = await put(
      source(),
      { env_name: 'blue', terraform_source: 'basic', vars: { greeting: 'hi' } },
      work.path,
    );
    expect(changed.code).toBe(0);
    expect(changed.stderr).toContain('0 added, 1 changed, 0 destroyed');
    // No greeting given: the reference feeds the previous output `greeting` back as the variable.
    const again = await put(source(), { env_name: 'blue', terraform_source: 'basic' }, work.path);
    expect(again.code).toBe(0);
    expect(again.meta['greeting']).toBe('hi');
    expect(again.stderr).toContain('0 added, 0 changed, 0 destroyed');
  });

  it('destroy deletes the state file and answers {serial: "", env_name, last_modified} of the destroy', async () => {
    const destroyed = await put(
      source(),
      { env_name: 'blue', terraform_source: 'basic', action: 'destroy' },
      work.path,
    );
    expect(destroyed.code).toBe(0);
    expect(destroyed.stderr).toContain('Destroy complete!');
    expectStorageVersion(destroyed.version, 'blue');
    expect(await listKeys(minio, 'lifecycle')).toEqual(['lifecycle/green.tfstate']);
    const gone = await get(source(), destroyed.version, {}, join(work.path, 'get-destroyed'));
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/get_params\.action: destroy/);
  });
});

it('plan_only stores <env>.plan; its get writes only name; plan_run applies exactly that plan and deletes it', async () => {
  const source = storageSource('plans');
  const planned = await put(
    source,
    { env_name: 'web', terraform_source: 'basic', plan_only: true },
    work.path,
  );
  expect(planned.code).toBe(0);
  expectStorageVersion(planned.version, 'web', true);
  expect(await listKeys(minio, 'plans')).toEqual(['plans/web.plan']);
  const dir = join(work.path, 'get-plan');
  const got = await get(source, planned.version, {}, dir);
  expect(got.code).toBe(0);
  expect(got.version).toEqual(planned.version);
  expect(await readdir(dir)).toEqual(['name']);

  // Variables of the plan_run put do not count: the plan was made with the default greeting.
  const applied = await put(
    source,
    { env_name: 'web', terraform_source: 'basic', plan_run: true, vars: { greeting: 'ignored' } },
    work.path,
  );
  expect(applied.code).toBe(0);
  expect(applied.meta['greeting']).toBe('hello');
  expect(await listKeys(minio, 'plans')).toEqual(['plans/web.tfstate']);
});

it('plan_only plans against the stored state: the plan_run changes the resource and keeps its lineage', async () => {
  const source = storageSource('replan');
  expect((await put(source, { env_name: 'app', terraform_source: 'basic' }, work.path)).code).toBe(0);
  const lineage = (await stateOf('replan/app.tfstate'))?.lineage;
  const planned = await put(
    source,
    { env_name: 'app', terraform_source: 'basic', plan_only: true, vars: { greeting: 'later' } },
    work.path,
  );
  expect(planned.code).toBe(0);
  expect(planned.stderr).toContain('0 to add, 1 to change, 0 to destroy');
  expect(await listKeys(minio, 'replan')).toEqual(['replan/app.plan', 'replan/app.tfstate']);
  const applied = await put(
    source,
    { env_name: 'app', terraform_source: 'basic', plan_run: true },
    work.path,
  );
  expect(applied.code).toBe(0);
  expect(applied.meta['greeting']).toBe('later');
  expect(await listKeys(minio, 'replan')).toEqual(['replan/app.tfstate']);
  expect((await stateOf('replan/app.tfstate'))?.lineage).toBe(lineage);
});

it('import_files: the resource is imported into the stored state once, then found there', async () => {
  const source = storageSource('imports');
  const params = { env_name: 'imported', terraform_source: 'import', import_files: ['import/ids.yml'] };
  const first = await put(source, params, work.path);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).toContain('Import successful!');
  expect(first.stderr).toContain('0 added, 0 changed, 0 destroyed');
  const stored = JSON.parse((await readKey(minio, 'imports/imported.tfstate')) ?? '{}') as {
    resources: { name: string; instances: { attributes: { id: string } }[] }[];
  };
  expect(stored.resources.map((r) => [r.name, r.instances[0]?.attributes.id])).toEqual([
    ['existing', 'made-elsewhere-5'],
  ]);
  const second = await put(source, params, work.path);
  expect(second.code).toBe(0);
  expect(second.stderr).toContain('terraform_data.existing is already in the state: not importing');
  expect(second.stderr).toContain('0 added, 0 changed, 0 destroyed');
});

it('a failed apply leaves <env>.tfstate.tainted; the next put continues from it and puts <env>.tfstate back', async () => {
  const source = storageSource('tainted');
  expect((await put(source, { env_name: 'db', terraform_source: 'first' }, work.path)).code).toBe(0);
  const lineage = (await stateOf('tainted/db.tfstate'))?.lineage;

  const failed = await put(source, { env_name: 'db', terraform_source: 'failing' }, work.path);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain(`s3://${minio.unversionedBucket}/tainted/db.tfstate.tainted`);
  expect(await listKeys(minio, 'tainted')).toEqual(['tainted/db.tfstate.tainted']);

  const fixed = await put(source, { env_name: 'db', terraform_source: 'first' }, work.path);
  expect(fixed.code).toBe(0);
  expect(fixed.stderr).toContain('0 added, 0 changed');
  expect(await listKeys(minio, 'tainted')).toEqual(['tainted/db.tfstate']);
  expect((await stateOf('tainted/db.tfstate'))?.lineage).toBe(lineage);
});

it('a destroy after a failed put destroys from the .tainted state and deletes it', async () => {
  const source = storageSource('tainted-destroy');
  expect((await put(source, { env_name: 'db', terraform_source: 'failing' }, work.path)).code).toBe(1);
  expect(await listKeys(minio, 'tainted-destroy')).toEqual(['tainted-destroy/db.tfstate.tainted']);
  const destroyed = await put(
    source,
    { env_name: 'db', terraform_source: 'failing', action: 'destroy' },
    work.path,
  );
  expect(destroyed.code).toBe(0);
  expect(destroyed.stderr).toMatch(/Destroy complete! Resources: 2 destroyed\./);
  expect(await listKeys(minio, 'tainted-destroy')).toEqual([]);
});

it('delete_on_failure: a failed apply destroys what it made and leaves neither <env>.tfstate nor .tainted', async () => {
  const source = storageSource('delete-on-failure');
  expect((await put(source, { env_name: 'db', terraform_source: 'first' }, work.path)).code).toBe(0);
  const failed = await put(
    source,
    { env_name: 'db', terraform_source: 'failing', delete_on_failure: true },
    work.path,
  );
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/delete_on_failure: environment 'db' was destroyed/);
  expect(failed.stderr).toMatch(/Destroy complete! Resources: 2 destroyed\./);
  expect(await listKeys(minio, 'delete-on-failure')).toEqual([]);
});

describe('server-side encryption of the uploaded state file', () => {
  async function encryptionOf(key: string) {
    const client = minio.client();
    onTestFinished(() => client.destroy());
    const head = await client.send(new HeadObjectCommand({ Bucket: minio.unversionedBucket, Key: key }));
    return { ServerSideEncryption: head.ServerSideEncryption, SSEKMSKeyId: head.SSEKMSKeyId };
  }

  it.each([
    [
      'server_side_encryption: AES256 encrypts it with AES256',
      { server_side_encryption: 'AES256' },
      'aes',
      {
        ServerSideEncryption: 'AES256',
        SSEKMSKeyId: undefined,
      },
    ],
    [
      'sse_kms_key_id encrypts it as aws:kms under that key',
      { sse_kms_key_id: 'hangar-test' },
      'kms',
      {
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: expect.stringContaining('hangar-test') as string,
      },
    ],
    [
      'without either, it is stored unencrypted',
      {},
      'plain',
      {
        ServerSideEncryption: undefined,
        SSEKMSKeyId: undefined,
      },
    ],
  ])('%s', async (_title, encryption, envName, expected) => {
    const storage = { ...storageModel(minio, 'sse'), ...encryption };
    const applied = await put({ storage }, { env_name: envName, terraform_source: 'first' }, work.path);
    expect(applied.code).toBe(0);
    expect(await encryptionOf(`sse/${envName}.tfstate`)).toEqual(expected);
  });
});

it("names: params.env_name before generate_random_name, as the reference's storage namer; a random name is new", async () => {
  const source = storageSource('names');
  const named = await put(
    source,
    { env_name: 'chosen', generate_random_name: true, terraform_source: 'first' },
    work.path,
  );
  expect(named.code).toBe(0);
  expect(named.version['env_name']).toBe('chosen');
  const random = await put(source, { generate_random_name: true, terraform_source: 'first' }, work.path);
  expect(random.code).toBe(0);
  const name = random.version['env_name'] ?? '';
  expect(name).toMatch(/^[a-z]+-[a-z]+$/);
  expect(await listKeys(minio, 'names')).toEqual(['names/chosen.tfstate', `names/${name}.tfstate`].sort());
});

/** A pass-through proxy to MinIO that records the scheme of each request's Authorization header. */
async function recordingProxy(target: string) {
  const schemes: string[] = [];
  const upstream = new URL(target);
  const server = createServer((incoming, answer) => {
    schemes.push((incoming.headers.authorization ?? '').split(' ')[0] ?? '');
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    schemes,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

it('signs with SigV2 for a custom endpoint, as the reference; use_signing_v4 switches to SigV4', async () => {
  const proxy = await recordingProxy(minio.endpoint);
  onTestFinished(proxy.close);
  const storage = { ...storageModel(minio, 'signing'), endpoint: proxy.endpoint };
  const applied = await put({ storage }, { env_name: 'signed', terraform_source: 'first' }, work.path);
  expect(applied.code).toBe(0);
  expect(new Set(proxy.schemes)).toEqual(new Set(['AWS']));
  proxy.schemes.length = 0;
  const checked = await check({ storage: { ...storage, use_signing_v4: true } });
  expect(checked.versions).toEqual([applied.version]);
  expect(new Set(proxy.schemes)).toEqual(new Set(['AWS4-HMAC-SHA256']));
});

it('an unknown key in the storage block is a warning naming the nearest known one, as Go ignores it', async () => {
  const result = await check({ storage: { ...storageModel(minio, 'unknown'), bucket_pth: 'typo' } });
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/storage\.bucket_pth.*bucket_path/);
});

it('a storage block without its required fields fails in one line naming them', async () => {
  const { bucket_path: _path, access_key_id: _id, ...partial } = storageModel(minio, 'x');
  const result = await check({ storage: partial });
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe(
    "error: missing required fields: 'source.storage.bucket_path', 'source.storage.access_key_id'",
  );
});

describe('overlapping puts: the state is written back only if no other put wrote it meanwhile', () => {
  const mkfifo = promisify(execFile);

  /** A put of `gated` that another writer overtakes while it waits at the gate. */
  async function overtaken(
    env: string,
    overtake: () => Promise<void>,
    { when = 'create', action = 'apply' }: { when?: 'create' | 'destroy'; action?: string } = {},
  ) {
    const gate = join(work.path, `${env}.gate`);
    await mkfifo('mkfifo', [gate]);
    await writeFiles(work.path, { [`${env}/main.tf`]: gatedTf(gate, when) });
    if (action === 'destroy')
      expect(
        (await put(storageSource('race'), { env_name: env, terraform_source: env }, work.path)).code,
      ).toBe(0);
    const log = new LogSink();
    const params = { env_name: env, terraform_source: env, action };
    const running = put(storageSource('race'), params, work.path, { stderr: log });
    await log.waitFor(/hangar-gate-reached/);
    await overtake();
    await writeFile(gate, 'go\n');
    return running;
  }

  it('a changed state file is not overwritten: this put’s state goes to a .conflict sibling and the error says where', async () => {
    expect(
      (await put(storageSource('race'), { env_name: 'shared', terraform_source: 'first' }, work.path)).code,
    ).toBe(0);
    const theirs = '{"version": 4, "serial": 99, "lineage": "theirs", "resources": []}';
    const result = await overtaken('shared', () => writeKey(minio, 'race/shared.tfstate', theirs));
    expect(result.code).toBe(1);
    const conflict = (await listKeys(minio, 'race/shared.tfstate.conflict-'))[0] ?? '';
    expect(conflict).toMatch(/^race\/shared\.tfstate\.conflict-\d{8}T\d{9}Z$/);
    expect(result.stderr).toContain(`s3://${minio.unversionedBucket}/${conflict}`);
    expect(result.stderr).toMatch(/was changed by another put while this one ran/);
    expect(await readKey(minio, 'race/shared.tfstate')).toBe(theirs);
    expect((await stateOf(conflict))?.resources.map((r) => r.name)).toEqual(['first', 'gated']);
  });

  it('a new environment another put created meanwhile is not overwritten either', async () => {
    const theirs = '{"version": 4, "serial": 1, "lineage": "first-writer", "resources": []}';
    const result = await overtaken('fresh', () => writeKey(minio, 'race/fresh.tfstate', theirs));
    expect(result.code).toBe(1);
    expect(await readKey(minio, 'race/fresh.tfstate')).toBe(theirs);
    const [conflict] = await listKeys(minio, 'race/fresh.tfstate.conflict-');
    expect(result.stderr).toContain(`${conflict}`);
    expect((await stateOf(conflict ?? ''))?.resources.map((r) => r.name)).toEqual(['first', 'gated']);
  });

  it('a destroy does not delete a state file another put rewrote meanwhile', async () => {
    const theirs = '{"version": 4, "serial": 42, "lineage": "rewritten", "resources": []}';
    const result = await overtaken('doomed', () => writeKey(minio, 'race/doomed.tfstate', theirs), {
      when: 'destroy',
      action: 'destroy',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Destroy complete!');
    expect(await readKey(minio, 'race/doomed.tfstate')).toBe(theirs);
    const [conflict] = await listKeys(minio, 'race/doomed.tfstate.conflict-');
    expect(result.stderr).toContain(`${conflict}`);
    expect((await stateOf(conflict ?? ''))?.resources).toEqual([]);
  });
});
