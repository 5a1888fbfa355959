// Runs the resource in-process the way Concourse runs /opt/resource/*, capturing what it prints.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from '@hangar/resource-sdk/testing';
import { expect, onTestFinished } from 'vitest';
import { githubReleaseResource } from '../src/definition.js';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed stdout when the script succeeded. */
  json: { version: Record<string, string>; metadata: { name: string; value: string }[] };
}

/** Secret values that must never appear in anything the resource prints. */
export const canaries: string[] = [];

export const BUILD_ENV = {
  BUILD_ID: '42',
  BUILD_NAME: '7',
  BUILD_JOB_NAME: 'deploy',
  BUILD_PIPELINE_NAME: 'cloud',
  BUILD_TEAM_NAME: 'main',
  ATC_EXTERNAL_URL: 'https://ci.example',
  HANGAR_GITHUB_PACING_MS: '0',
};

export async function invoke(
  script: 'check' | 'in' | 'out',
  request: unknown,
  options: { dir?: string; env?: Record<string, string> } = {},
): Promise<Outcome> {
  const outcome = await runCaptured(
    githubReleaseResource,
    [script, ...(options.dir ? [options.dir] : [])],
    JSON.stringify(request),
    options.env ?? BUILD_ENV,
  );
  const { code } = outcome;
  for (const canary of canaries) {
    expect(outcome.stdout).not.toContain(canary);
    expect(outcome.stderr).not.toContain(canary);
  }
  return {
    ...outcome,
    json: code === 0 ? (JSON.parse(outcome.stdout) as Outcome['json']) : (undefined as never),
  };
}

export const meta = (outcome: Outcome): Record<string, string> =>
  Object.fromEntries(outcome.json.metadata.map(({ name, value }) => [name, value]));

/** A fresh directory removed when the current test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-ghr-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
