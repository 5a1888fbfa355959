// A throwaway remote for the sample files resource: a directory with versions 1 and 2, and an input artifact.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';

export const SAMPLE = fileURLToPath(new URL('./fixtures/samples/files-resource.mjs', import.meta.url));
export const SAMPLE_DIR = fileURLToPath(new URL('./fixtures/samples/dir', import.meta.url));
export const CASES = fileURLToPath(new URL('./fixtures/cases/files', import.meta.url));
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SampleRemote {
  root: string;
  dir: string;
  input: string;
  cleanup(): Promise<void>;
}

export async function sampleRemote(): Promise<SampleRemote> {
  const root = await mkdtemp(path.join(tmpdir(), 'hangar-sample-'));
  const dir = path.join(root, 'remote');
  const input = path.join(root, 'input');
  await mkdir(dir);
  await mkdir(input);
  await writeFile(path.join(dir, '1'), 'one\n');
  await writeFile(path.join(dir, '2'), 'two\n');
  await writeFile(path.join(input, 'new.txt'), 'three\n');
  return { root, dir, input, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Quick-mode arguments for the sample against `remote`. */
export function quickArgs(remote: SampleRemote): string[] {
  return [
    '--source',
    JSON.stringify({ dir: remote.dir, private_key: 'not-a-real-key' }),
    '--params',
    JSON.stringify({ file: 'input/new.txt' }),
    '--input',
    `input=${remote.input}`,
    '--secret',
    'private_key',
    '--probe',
    `ls -l ${remote.dir}`,
  ];
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Calls the CLI's main in-process. */
export async function runCli(argv: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env,
  });
  return { code, stdout, stderr };
}

interface JsonReport {
  ok: boolean;
  totals: { passed: number; failed: number; warned: number; skipped: number };
  recommendations: string[];
  suites: { name: string; results: { id: string; status: string; reasons: string[] }[] }[];
}

export function parseReport(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

export function failing(report: JsonReport): string[] {
  return report.suites.flatMap((s) => s.results.filter((r) => r.status === 'fail').map((r) => r.id)).sort();
}
