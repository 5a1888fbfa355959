// Basic and bearer-token auth, through a local auth front (test/auth-proxy.ts) to the real registry.
import { join } from 'node:path';
import { type RegistryServer, startRegistry } from '@hangar/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LayerTree,
  OciLayout,
  parseChallenge,
  pullImage,
  pushImage,
  RegistryClient,
  writeImage,
} from '../src/index.js';
import { startAuthProxy } from './auth-proxy.js';
import { tempDir } from './temp.js';

const credentials = { username: 'ci', password: 's3cret-pass' };
let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry?.stop());

async function smallImage(dir: string) {
  const layout = await OciLayout.create(dir);
  const layer = await layout.addLayer(new LayerTree().file('hello', 'world\n'));
  await writeImage(layout, { layers: [layer], tags: ['v1'] });
  return layout;
}

describe('registry auth', () => {
  it('parses WWW-Authenticate challenges with commas inside quotes', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="x"')?.scheme).toBe('basic');
  });

  it('answers a Bearer challenge with a token from the realm, reusing it per scope', async () => {
    await using proxy = await startAuthProxy({
      upstream: new URL(registry.url),
      mode: 'bearer',
      ...credentials,
    });
    const dir = await tempDir();
    const client = new RegistryClient({ registry: proxy.url, credentials });
    await pushImage(client, await smallImage(join(dir, 'src')), 'v1', 'team/app');
    await pullImage(client, 'team/app', 'v1', await OciLayout.create(join(dir, 'dst')));
    // one token for the push (the challenge's scope plus ours), and the pull reuses it
    expect(proxy.tokenRequests).toEqual([['repository:team/app:pull', 'repository:team/app:pull,push']]);

    proxy.expireTokens();
    await pullImage(client, 'team/app', 'v1', await OciLayout.create(join(dir, 'again')));
    expect(proxy.tokenRequests).toHaveLength(2); // the refused token was replaced, once
  });

  it('sends basic credentials once the registry asks for them', async () => {
    await using proxy = await startAuthProxy({
      upstream: new URL(registry.url),
      mode: 'basic',
      ...credentials,
    });
    const dir = await tempDir();
    const client = new RegistryClient({ registry: proxy.url, credentials });
    const pushed = await pushImage(client, await smallImage(join(dir, 'src')), 'v1', 'team/basic');
    const pulled = await pullImage(client, 'team/basic', 'v1', await OciLayout.create(join(dir, 'dst')));
    expect(pulled.digest).toBe(pushed.digest);
  });

  it('fails in one line without printing credentials', async () => {
    await using bearer = await startAuthProxy({
      upstream: new URL(registry.url),
      mode: 'bearer',
      ...credentials,
    });
    const wrong = { username: 'ci', password: 'wrong-password-123' };
    const failure = await new RegistryClient({ registry: bearer.url, credentials: wrong })
      .getManifest('team/app', 'v1')
      .catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /^registry 127\.0\.0\.1:\d+: token request to http:\/\/127\.0\.0\.1:\d+\/token failed: HTTP 401/,
    );
    expect((failure as Error).message).not.toMatch(/wrong-password|s3cret|Basic /);
    expect((failure as Error).message).not.toContain('\n');

    await using basic = await startAuthProxy({
      upstream: new URL(registry.url),
      mode: 'basic',
      ...credentials,
    });
    await expect(new RegistryClient({ registry: basic.url }).ping()).rejects.toThrow(
      /authentication required \(basic\); no credentials given/,
    );
    const url = `http://ci:wrong-password-123@${new URL(basic.url).host}`;
    const refused = await new RegistryClient({ registry: url, credentials: wrong })
      .ping()
      .catch((error: Error) => error);
    expect((refused as Error).message).toMatch(/GET \/v2\/ failed: HTTP 401/);
    expect((refused as Error).message).not.toContain('wrong-password');
  });
});
