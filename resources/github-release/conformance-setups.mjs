// Setups for conformance/cases/github-release: a fake GitHub REST API from @hangar/testkit.
import { generateKeyPairSync } from 'node:crypto';
import { FakeGitHub } from '@hangar/testkit';

/** @type {Record<string, import('@hangar/conformance').CaseSetup>} */
export const setups = {
  'fake-github': async (options) => {
    const token = String(options['token'] ?? 'ghp_conformance');
    // `app: true`: a GitHub App (installation 1) whose PKCS#1 key the case passes as private_key.
    const key = options['app']
      ? generateKeyPairSync('rsa', {
          modulusLength: 2048,
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        })
      : undefined;
    const github = await FakeGitHub.start({
      tokens: [token],
      publicRepo: false,
      apps: key ? [{ id: 77, publicKey: key.publicKey, installations: [1] }] : [],
    });
    for (const tag of /** @type {string[]} */ (options['tags'] ?? [])) github.addTag(tag);
    return {
      values: {
        owner: github.owner,
        repository: github.repo,
        api_url: `${github.url}/`,
        uploads_url: github.uploadsUrl,
        token,
        ...(key ? { app_id: 77, installation_id: 1, private_key: key.privateKey } : {}),
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
