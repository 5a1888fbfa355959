// The fake's GitHub App token exchange, driven with hand-signed JWTs so the fake is tested on its own.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGitHub } from '../src/fakes/github.js';

const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(key: KeyObject, claims: Record<string, unknown>, alg = 'RS256'): string {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg, typ: 'JWT' })}.${part({ iat: now - 30, exp: now + 540, iss: 7, ...claims })}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`;
}

let github: FakeGitHub;
beforeAll(async () => {
  github = await FakeGitHub.start({
    tokens: [],
    publicRepo: false,
    apps: [
      { id: 7, clientId: 'Iv23liFake', publicKey: app.publicKey, installations: [42], token: 'ghs_fake' },
    ],
  });
});
afterAll(() => github.close());

const exchange = (token: string, installation = 42) =>
  new Octokit({ baseUrl: github.url, auth: token }).request(
    'POST /app/installations/{installation_id}/access_tokens',
    { installation_id: installation, headers: { authorization: `bearer ${token}` } },
  );

describe('FakeGitHub app authentication', () => {
  test('a JWT signed with the app key buys an installation token that then authenticates', async () => {
    const { status, data } = await exchange(jwt(app.privateKey, {}));
    expect(status).toBe(201);
    expect(data.token).toBe('ghs_fake');
    const octokit = new Octokit({ baseUrl: github.url, auth: data.token });
    await expect(
      octokit.rest.repos.listReleases({ owner: github.owner, repo: github.repo }),
    ).resolves.toMatchObject({
      status: 200,
    });
    expect((await exchange(jwt(app.privateKey, { iss: 'Iv23liFake' }))).status).toBe(201);
  });

  test.each([
    ['another key', () => jwt(stranger.privateKey, {})],
    ['another app', () => jwt(app.privateKey, { iss: 8 })],
    ['HS256', () => jwt(app.privateKey, {}, 'HS256')],
    ['an expired JWT', () => jwt(app.privateKey, { exp: 1 })],
    [
      'a JWT living over ten minutes',
      () => jwt(app.privateKey, { exp: Math.floor(Date.now() / 1000) + 3600 }),
    ],
    ['garbage', () => 'not.a.jwt'],
  ])('%s is refused with 401', async (_, token) => {
    await expect(exchange(token())).rejects.toMatchObject({ status: 401 });
  });

  test('an installation of another app is 404; unknown body keys are 422', async () => {
    await expect(exchange(jwt(app.privateKey, {}), 43)).rejects.toMatchObject({ status: 404 });
    const octokit = new Octokit({ baseUrl: github.url });
    await expect(
      octokit.request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: 42,
        repository: 'widget',
        headers: { authorization: `bearer ${jwt(app.privateKey, {})}` },
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
