// Runs the resource in-process against real OpenTofu and a real MinIO.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { invokeResource, type MetadataField, type Version } from '@hangar/resource-sdk';
import { runCommand, tofuPath, type MinioServer } from '@hangar/testkit';
import { terraformResource } from '../src/resource.js';

/** Distinctive secrets: no output of the resource may ever contain them. */
export const CANARY_PRIVATE_KEY = 'canary-private-key-7f3a9c';

/** A new unencrypted ed25519 private key (comment `hangar-test`), made in `dir`. */
export async function generateKey(dir: string): Promise<string> {
  const path = join(dir, 'id_ed25519');
  await runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hangar-test', '-f', path]);
  return readFile(path, 'utf8');
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The parsed answer (only when code is 0). */
  json: unknown;
}

export interface InOutResult extends ScriptResult {
  version: Version;
  metadata: MetadataField[];
  meta: Record<string, string>;
}

/** A stderr that tests can watch while the script runs. */
export class LogSink extends Writable {
  text = '';
  private waiters: { pattern: RegExp; resolve: () => void }[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.pattern.test(this.text)) return true;
      waiter.resolve();
      return false;
    });
    done();
  }
  /** Resolves once the log matches `pattern`. */
  waitFor(pattern: RegExp): Promise<void> {
    if (pattern.test(this.text)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }
}

export function resourceEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${dirname(tofuPath())}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    HOME: process.env['HOME'] ?? '/tmp',
    // What this machine sets: the resource must not be disturbed by it.
    TF_CLI_CONFIG_FILE: '/nonexistent/terraformrc',
    TF_LOG: 'TRACE',
    ...extra,
  };
}

export async function runScript(
  script: 'check' | 'in' | 'out',
  request: unknown,
  options: { dir?: string; env?: Record<string, string>; stderr?: LogSink; signal?: AbortSignal } = {},
): Promise<ScriptResult> {
  let stdout = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stdout += chunk.toString('utf8');
      done();
    },
  });
  const stderr = options.stderr ?? new LogSink();
  const code = await invokeResource(terraformResource, {
    argv: ['node', 'resource.js', script, ...(options.dir ? [options.dir] : [])],
    stdin: Buffer.from(JSON.stringify(request)),
    stdout: out,
    stderr,
    env: options.env ?? resourceEnv(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr: stderr.text, json: code === 0 ? JSON.parse(stdout) : undefined };
}

function asInOut(result: ScriptResult): InOutResult {
  const answer = (result.json ?? { version: {}, metadata: [] }) as {
    version: Version;
    metadata?: MetadataField[];
  };
  const metadata = answer.metadata ?? [];
  return {
    ...result,
    version: answer.version,
    metadata,
    meta: Object.fromEntries(metadata.map(({ name, value }) => [name, value])),
  };
}

export async function put(
  source: unknown,
  params: unknown,
  dir: string,
  options: { env?: Record<string, string>; stderr?: LogSink; signal?: AbortSignal } = {},
): Promise<InOutResult> {
  return asInOut(await runScript('out', { source, params }, { ...options, dir }));
}

export async function get(
  source: unknown,
  version: Version,
  params: unknown,
  dir: string,
  options: { env?: Record<string, string> } = {},
): Promise<InOutResult> {
  await mkdir(dir, { recursive: true });
  return asInOut(await runScript('in', { source, version, params }, { ...options, dir }));
}

export async function check(
  source: unknown,
  version?: Version,
): Promise<ScriptResult & { versions: Version[] }> {
  const result = await runScript('check', version ? { source, version } : { source });
  return { ...result, versions: (result.json ?? []) as Version[] };
}

/** The s3 backend on MinIO: path-style, static credentials, no AWS account lookups, S3 lock files. */
export function s3Backend(minio: MinioServer, key = 'app/terraform.tfstate'): Record<string, unknown> {
  return {
    bucket: minio.unversionedBucket,
    key,
    region: minio.region,
    endpoints: { s3: minio.endpoint },
    use_path_style: true,
    access_key: minio.credentials.accessKeyId,
    secret_key: minio.credentials.secretAccessKey,
    skip_credentials_validation: true,
    skip_region_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_s3_checksum: true,
    use_lockfile: true,
  };
}

export function s3Source(
  minio: MinioServer,
  key: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { backend_type: 's3', backend_config: s3Backend(minio, key), ...extra };
}

/** The reference's legacy `storage` block on MinIO, state files under `bucketPath`. */
export function storageModel(minio: MinioServer, bucketPath: string): Record<string, unknown> {
  return {
    driver: 's3',
    bucket: minio.unversionedBucket,
    bucket_path: bucketPath,
    access_key_id: minio.credentials.accessKeyId,
    secret_access_key: minio.credentials.secretAccessKey,
    region_name: minio.region,
    endpoint: minio.endpoint,
  };
}

/** An object of the state bucket as text, or undefined when it does not exist. */
export async function readKey(minio: MinioServer, key: string): Promise<string | undefined> {
  const client = minio.client();
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: minio.unversionedBucket, Key: key }));
    return await answer.Body?.transformToString();
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  } finally {
    client.destroy();
  }
}

export async function writeKey(minio: MinioServer, key: string, body: string): Promise<void> {
  const client = minio.client();
  try {
    await client.send(new PutObjectCommand({ Bucket: minio.unversionedBucket, Key: key, Body: body }));
  } finally {
    client.destroy();
  }
}

/** Writes files (relative paths) under `root`. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Object keys in the state bucket under `prefix`. */
export async function listKeys(minio: MinioServer, prefix = ''): Promise<string[]> {
  const client = minio.client();
  try {
    const result = await client.send(
      new ListObjectsV2Command({ Bucket: minio.unversionedBucket, Prefix: prefix }),
    );
    return (result.Contents ?? []).map((object) => object.Key ?? '').sort();
  } finally {
    client.destroy();
  }
}

/** A configuration that uses only built-ins: one terraform_data, plain and sensitive outputs. */
export const BASIC_MAIN_TF = `
variable "greeting" {
  type    = string
  default = "hello"
}
variable "env_name" {
  type    = string
  default = ""
}
variable "build_name" {
  type    = string
  default = ""
}
resource "terraform_data" "greeting" {
  input = var.greeting
}
output "greeting" {
  value = terraform_data.greeting.output
}
output "env" {
  value = var.env_name
}
output "build_name" {
  value = var.build_name
}
output "settings" {
  value = { replicas = 2, tags = ["a", "b"] }
}
output "password" {
  value     = "s3cr3t-\${var.greeting}"
  sensitive = true
}
`;
