// Runs the resource in-process the way Concourse runs /opt/resource/*, capturing what it prints;
// every run fails if a canary secret shows up in its output.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_BUILD_ENV, invoker, metadataOf, type InvokeOutcome } from '@hangar/resource-sdk/testing';
import { onTestFinished } from 'vitest';
import { slackResource } from '../src/definition.js';

export type Outcome = InvokeOutcome;

/** Secret values that must never appear in anything the resource prints. */
export const canaries: string[] = [];

export const BUILD_ENV: Record<string, string> = {
  ...TEST_BUILD_ENV,
};

export const invoke = invoker(slackResource, { env: BUILD_ENV, canaries });

export const meta = metadataOf;

/**
 * A webhook body as the reference posts it: every key, unset ones `null` (`link_names` is left
 * out unless true, as its post drops it).
 */
export const webhookPost = (fields: Record<string, unknown>): Record<string, unknown> => ({
  text: null,
  username: null,
  icon_url: null,
  icon_emoji: null,
  channel: null,
  attachments: null,
  ...fields,
});

/** A fresh directory removed when the current test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-slack-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
