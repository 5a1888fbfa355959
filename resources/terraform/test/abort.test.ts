// Aborting a put: the bundled resource, a real process, real tofu holding a real S3 lock in MinIO.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import { ABORT_GRACE_MS } from '../src/resource.js';
import { LogSink, listKeys, put, resourceEnv, s3Source, writeFiles } from './harness.js';

let minio: MinioServer;
let work: TempDir;
let bundle: string;

const slowConfig = (pidFile: string) => `
resource "terraform_data" "fast" {
  input = "done"
}
resource "terraform_data" "slow" {
  depends_on = [terraform_data.fast]
  provisioner "local-exec" {
    command = "sleep 600 & echo $! > ${pidFile}; echo hangar-slow-apply-started; wait"
  }
}
`;

beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio(), tempDir('hangar-terraform-abort-')]);
  bundle = join(work.path, 'resource.js');
  await bundleResource({
    entry: resolve(import.meta.dirname, '../src/index.ts'),
    outfile: bundle,
    minify: false,
  });
  await writeFiles(work.path, {
    'slow/main.tf': slowConfig(join(work.path, 'sleep.pid')),
    'quick/main.tf': 'resource "terraform_data" "fast" {\n  input = "done"\n}\n',
  });
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

function isRunning(pid: number): Promise<boolean> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then(
    (stat) => stat.split(' ')[2] !== 'Z',
    () => false,
  );
}

it(
  'SIGTERM during an apply: one SIGINT to tofu, lock released within the grace, children gone',
  { timeout: 120_000 },
  async () => {
    const key = 'abort/terraform.tfstate';
    const source = s3Source(minio, key, { env_name: 'aborted' });
    const lockKey = `env:/aborted/${key}.tflock`;

    const child = spawn(process.execPath, [bundle, 'out', work.path], {
      env: resourceEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const log = new LogSink();
    let stdout = '';
    child.stderr.pipe(log);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    child.stdin.end(JSON.stringify({ source, params: { terraform_source: 'slow' } }));

    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const pid = Number(await readFile(join(work.path, 'sleep.pid'), 'utf8').catch(() => '0'));
      if (pid && (await isRunning(pid))) process.kill(pid, 'SIGKILL');
    });

    // The local-exec says it has started: tofu is mid-apply and holds the state lock.
    await Promise.race([
      log.waitFor(/\(local-exec\): hangar-slow-apply-started$/m),
      exited.then(() => {
        throw new Error(`the resource exited before the slow apply started:\n${log.text}`);
      }),
    ]);
    expect(await listKeys(minio, `env:/aborted/`)).toContain(lockKey);
    const sleepPid = Number(await readFile(join(work.path, 'sleep.pid'), 'utf8'));
    expect(await isRunning(sleepPid)).toBe(true);

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const { code } = await exited;
    const stoppedAfterMs = Date.now() - signalledAt;

    expect(code).toBe(1);
    expect(stoppedAfterMs).toBeLessThan(ABORT_GRACE_MS);
    expect(stdout).toBe('');
    expect(log.text).toContain("interrupted: sending SIGINT to 'tofu apply'");
    expect(log.text).toContain('Gracefully shutting down...');
    expect(log.text).toMatch(
      /error: interrupted: 'tofu apply' stopped gracefully \(exit \d+\) and released its state lock\n$/,
    );
    expect(log.text).not.toContain('did not stop');

    // The proof: no lock object is left, the state holds what was done before the abort …
    expect(await listKeys(minio, `env:/aborted/`)).toEqual([`env:/aborted/${key}`]);
    // … the local-exec's own child is gone …
    expect(await isRunning(sleepPid)).toBe(false);
    // … and the next put takes the lock at once (no lock_timeout) and finishes the environment.
    const next = await put(source, { terraform_source: 'quick', summary_metadata: true }, work.path, {
      stderr: new LogSink(),
    });
    expect(next.stderr).not.toContain('Error acquiring the state lock');
    expect(next.code).toBe(0);
    expect(next.meta['to_destroy']).toBe('1'); // the tainted slow resource
    console.log(
      `abort evidence: lock ${lockKey} present during apply; SIGTERM -> exit ${code} after ${stoppedAfterMs} ms ` +
        `(grace ${ABORT_GRACE_MS} ms); lock gone afterwards; next put without lock_timeout succeeded\n` +
        log.text.trim().split('\n').slice(-14).join('\n'),
    );
  },
);
