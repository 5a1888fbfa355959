// Runs the resource in-process the way Concourse runs /opt/resource/*, capturing what it prints;
// every run fails if a canary secret shows up in its output.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_BUILD_ENV, invoker, metadataOf, type InvokeOutcome } from '@hangar/resource-sdk/testing';
import { onTestFinished } from 'vitest';
import { grafanaAnnotationResource } from '../src/definition.js';

export type Outcome = InvokeOutcome;

/** Secret values that must never appear in anything the resource prints. */
export const canaries: string[] = [];

export const BUILD_ENV: Record<string, string> = {
  ...TEST_BUILD_ENV,
};

export const invoke = invoker(grafanaAnnotationResource, { env: BUILD_ENV, canaries });

export const meta = metadataOf;

/** A fresh directory removed when the current test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-grafana-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
