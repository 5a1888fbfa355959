// Setups for conformance/cases/github-release: a fake GitHub REST API from @hangar/testkit.
import { FakeGitHub } from '@hangar/testkit';

/** @type {Record<string, import('@hangar/conformance').CaseSetup>} */
export const setups = {
  'fake-github': async (options) => {
    const token = String(options['token'] ?? 'ghp_conformance');
    const github = await FakeGitHub.start({ tokens: [token], publicRepo: false });
    for (const tag of /** @type {string[]} */ (options['tags'] ?? [])) github.addTag(tag);
    return {
      values: {
        owner: github.owner,
        repository: github.repo,
        api_url: `${github.url}/`,
        uploads_url: github.uploadsUrl,
        token,
      },
      probe: async () =>
        github.releases.map(({ tag_name, name, draft, prerelease, assets }) => ({
          tag_name,
          name,
          draft,
          prerelease,
          assets: assets.map(({ name: asset, data }) => `${asset}:${data.toString('base64')}`),
        })),
      teardown: () => github.close(),
    };
  },
};
