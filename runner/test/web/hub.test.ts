// What the hub offers the API routes: reruns (fly rerun-build) run at once without a scheduler.
import { afterEach, describe, expect, it } from 'vitest';
import { fileRes, sh, webHarness, type WebHarness } from './harness.js';

let h: WebHarness;
afterEach(async () => h?.close());

describe('Hub.rerunBuild', () => {
  it("runs build N.1 with build N's inputs and refuses one-off builds", async () => {
    h = await webHarness({
      resources: [fileRes('src')],
      jobs: [{ name: 'j', plan: [{ get: 'src', trigger: true }, sh('t', 'cat src/content', ['src'])] }],
    });
    h.push('src');
    await h.runner.runUntilIdle();
    h.push('src');
    await h.runner.runUntilIdle();
    const rerun = h.hub.rerunBuild(1);
    expect(rerun).toMatchObject({ name: '1.1', job: 'j', pipeline: 'p' });
    await expect.poll(() => h.store.build(rerun.id).status).toBe('succeeded');
    const input = h.store.buildInputs(rerun.id)[0]!;
    expect(h.store.version(input.versionId).version).toEqual({ n: '1' });
    const oneOff = h.store.createOneOffBuild(null);
    expect(() => h.hub.rerunBuild(oneOff.id)).toThrow('is a one-off build');
  });
});
