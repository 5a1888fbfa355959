// A fake GitHub per test file and the source that points the resource at it.
import { afterAll, beforeEach } from 'vitest';
import { FakeGitHub, type FakeGitHubOptions } from '@hangar/testkit';
import { canaries } from './invoke.js';

export const TOKEN = 'ghp_CANARY0000000000000000000000000000';
canaries.push(TOKEN);

export function useFakeGitHub(options: FakeGitHubOptions = {}): {
  github: FakeGitHub;
  source: (extra?: object) => Record<string, unknown>;
} {
  const state = {} as { github: FakeGitHub };
  beforeEach(async () => {
    await state.github?.close();
    state.github = await FakeGitHub.start({ tokens: [TOKEN], ...options });
  });
  afterAll(() => state.github?.close());
  return {
    get github() {
      return state.github;
    },
    source: (extra = {}) => ({
      owner: state.github.owner,
      repository: state.github.repo,
      access_token: TOKEN,
      github_api_url: `${state.github.url}/`,
      github_uploads_url: state.github.uploadsUrl,
      ...extra,
    }),
  };
}
