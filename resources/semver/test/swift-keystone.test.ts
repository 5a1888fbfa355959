// The swift driver logging in through a real Keystone (identity v3) to a real Swift whose proxy
// validates Keystone tokens: the ways the reference's `openstack` fields authenticate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeystoneServer, type SwiftServer, startKeystone, startSwift } from '@hangar/testkit';
import { workspace } from './harness.js';

let keystone: KeystoneServer;
let swift: SwiftServer;
let items = 0;
const CONTAINER = 'versions';

beforeAll(async () => {
  keystone = await startKeystone();
  swift = await startSwift({ keystone });
  await swift.createContainer(CONTAINER);
});
afterAll(async () => {
  await swift?.stop();
  await keystone?.stop();
});

/** Where the version lives; the credentials come from each test. */
const target = () => ({ container: CONTAINER, item_name: `item-${++items}`, region: keystone.admin.region });
const adminScope = () => ({ project_name: keystone.admin.project, domain_id: keystone.admin.domainId });
const passwordLogin = (extra: object = {}) => ({
  identity_endpoint: keystone.v3,
  username: keystone.admin.username,
  password: keystone.admin.password,
  domain_id: keystone.admin.domainId,
  scope: adminScope(),
  ...extra,
});
const swiftSource = (login: object) => ({ driver: 'swift', openstack: { ...target(), ...login } });

async function storedBody(source: { openstack: { item_name: string } }): Promise<string> {
  return (await swift.request('GET', `/${CONTAINER}/${source.openstack.item_name}`)).text();
}

describe('swift driver with Keystone v3', () => {
  it('logs in with a password and a project scope, at the /v3 endpoint or the unversioned one', async () => {
    const ws = await workspace();
    for (const identity_endpoint of [keystone.v3, keystone.endpoint]) {
      const src = swiftSource(passwordLogin({ identity_endpoint }));
      expect((await ws.check(src)).result).toEqual([{ number: '0.0.0' }]);
      expect((await ws.put(src, { bump: 'minor' })).result.version).toEqual({ number: '0.1.0' });
      expect(await storedBody(src)).toBe('0.1.0');
    }
  });

  it('uses a token_id as it is (no scope), and never prints it', async () => {
    const ws = await workspace();
    const { token } = await keystone.login();
    const src = swiftSource({ identity_endpoint: keystone.v3, token_id: token });
    const out = await ws.put(src, { bump: 'patch' });
    expect(out.result.version).toEqual({ number: '0.0.1' });
    expect(await storedBody(src)).toBe('0.0.1');
    expect(out.stderr + out.stdout).not.toContain(token);
  });

  it('logs in with an application credential, its secret under either key', async () => {
    const { userId } = await keystone.login();
    const created = (await keystone.call('POST', `/users/${userId}/application_credentials`, {
      application_credential: { name: `semver-${Date.now()}` },
    })) as { application_credential: { id: string; secret: string } };
    const { id, secret } = created.application_credential;
    const ws = await workspace();
    // `application_credential_secretj` is the key the reference reads.
    for (const key of ['application_credential_secretj', 'application_credential_secret']) {
      const src = swiftSource({
        identity_endpoint: keystone.v3,
        application_credential_id: id,
        [key]: secret,
      });
      const out = await ws.put(src, { bump: 'major' });
      expect(out.result.version).toEqual({ number: '1.0.0' });
      expect(out.stderr).not.toContain(secret);
    }
  });

  it('fails in one line on a wrong password or token, without printing either', async () => {
    const ws = await workspace();
    const canaries = [
      passwordLogin({ password: 'canary-keystone-pw-77aa' }),
      { identity_endpoint: keystone.v3, token_id: 'canary-token-id-88bb' },
    ];
    for (const login of canaries) {
      const out = await ws.check(swiftSource(login));
      expect(out.code).toBe(1);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(/ 40[14] /);
      expect(out.stderr + out.stdout).not.toContain('canary');
    }
  });

  it('fails in one line when the catalog has no object store in the region', async () => {
    const ws = await workspace();
    const src = { driver: 'swift', openstack: { ...target(), ...passwordLogin(), region: 'Elsewhere' } };
    const out = await ws.check(src);
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toEqual([
      "error: the service catalog has no public object-store endpoint in region 'Elsewhere'",
    ]);
  });

  it('without scope, takes tenant_name (in the user domain) or tenant_id as the project, as v1.x', async () => {
    const ws = await workspace();
    const { projectId } = await keystone.login();
    for (const tenant of [{ tenant_name: keystone.admin.project }, { tenant_id: projectId }]) {
      const src = swiftSource(passwordLogin({ scope: undefined, ...tenant }));
      expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '0.0.1' });
      expect(await storedBody(src)).toBe('0.0.1');
    }
    // Neither: an unscoped token, whose catalog is empty.
    const unscoped = await ws.check(swiftSource(passwordLogin({ scope: undefined })));
    expect(unscoped.code).toBe(1);
    expect(unscoped.stderr).toContain(
      "the service catalog has no public object-store endpoint in region 'RegionOne'",
    );
  });
});
