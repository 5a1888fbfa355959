import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KeystoneServer,
  type SwiftServer,
  assertLoopbackOnly,
  startKeystone,
  startSwift,
} from '../src/index.js';

describe('Keystone, and Swift authenticating with it', () => {
  let keystone: KeystoneServer;
  let swift: SwiftServer;
  beforeAll(async () => {
    keystone = await startKeystone();
    swift = await startSwift({ keystone });
  });
  afterAll(async () => {
    await swift?.stop();
    await keystone?.stop();
  });

  it('lists identity v3 at its root, on loopback only', async () => {
    const answer = await fetch(`${keystone.endpoint}/`);
    expect(answer.status).toBe(300);
    const body = (await answer.json()) as {
      versions: { values: { id: string; links: { href: string }[] }[] };
    };
    expect(body.versions.values.map((value) => value.links[0]?.href)).toEqual([`${keystone.v3}/`]);
    await assertLoopbackOnly(Number(new URL(keystone.endpoint).port));
  });

  it('catalogs Swift as the public object-store of its region', async () => {
    const { endpoints } = (await keystone.call('GET', '/endpoints?interface=public')) as {
      endpoints: { url: string; region_id: string }[];
    };
    expect(endpoints).toContainEqual(
      expect.objectContaining({
        region_id: keystone.admin.region,
        url: `${swift.endpoint}/v1/AUTH_$(project_id)s`,
      }),
    );
  });

  it('serves the admin project with a Keystone token, and refuses a bad one', async () => {
    expect(swift.authUrl).toBe(keystone.v3);
    await swift.createContainer('keystone-made');
    expect((await swift.request('PUT', '/keystone-made/v', '4.5.6')).status).toBe(201);
    expect(await (await swift.request('GET', '/keystone-made/v')).text()).toBe('4.5.6');
    const forged = await fetch(`${swift.storageUrl}/keystone-made/v`, {
      headers: { 'X-Auth-Token': 'forged' },
    });
    expect(forged.status).toBe(401);
  });
});
