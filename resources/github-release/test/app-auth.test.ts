// GitHub App authentication: the resource signs a JWT with the app's key, exchanges it for an
// installation token at the fake, and uses that token; neither key nor token is ever printed.
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { canaries, invoke, tempDir } from './invoke.js';

// GitHub hands out PKCS#1 ("BEGIN RSA PRIVATE KEY") keys.
const key = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const INSTALLATION_TOKEN = 'ghs_CANARYinstallation000000000000000000';
canaries.push(key.privateKey, key.privateKey.split('\n')[1]!, INSTALLATION_TOKEN);

const fake = useFakeGitHub({
  publicRepo: false,
  apps: [{ id: 1234, publicKey: key.publicKey, installations: [99], token: INSTALLATION_TOKEN }],
});
const appSource = (extra: object = {}) => {
  const { access_token: _, ...rest } = fake.source();
  return { ...rest, app_id: 1234, installation_id: '99', private_key: key.privateKey, ...extra };
};

describe('GitHub App authentication', () => {
  test('check exchanges a JWT for an installation token once and reads with it', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    fake.github.addRelease({ tag_name: 'v1.1.0' });
    const outcome = await invoke('check', { source: appSource(), version: { tag: 'v1.0.0' } });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect((JSON.parse(outcome.stdout) as unknown[]).length).toBe(2);
    const [exchange, ...rest] = fake.github.requests;
    expect(exchange).toMatchObject({
      method: 'POST',
      path: '/app/installations/99/access_tokens',
      status: 201,
    });
    expect(exchange?.headers.authorization).toMatch(/^bearer ey/);
    expect(rest.every((request) => request.headers.authorization === `token ${INSTALLATION_TOKEN}`)).toBe(
      true,
    );
  });

  test('out publishes with the installation token; a one-line key with literal \\n works; a PKCS#8 key of another app is refused', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'tag'), 'v2.0.0');
    const params = { name: 'tag', tag: 'tag' };
    const oneLine = key.privateKey.replace(/\n/g, '\\n');
    const out = await invoke('out', { source: appSource({ private_key: oneLine }), params }, { dir });
    expect(out.code, out.stderr).toBe(0);
    expect(fake.github.release('v2.0.0')).toBeDefined();
    const pkcs8 = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    canaries.push(pkcs8);
    // A key of another app signs a JWT the fake refuses: a 401 naming the exchange, no key in sight.
    const refused = await invoke('check', { source: appSource({ private_key: pkcs8 }) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/401/);
  });

  test.each([
    [{ access_token: 'ghp_x' }, /source\.access_token cannot be combined with app_id/],
    [{ private_key: undefined }, /source\.private_key is required for GitHub App authentication/],
    [{ installation_id: undefined }, /source\.installation_id is required/],
    [{ private_key: 'not a key' }, /source\.private_key is not a PEM-encoded private key/],
    [{ installation_id: 'x9' }, /installation_id/],
  ])('%j is refused with a one-line error naming the field', async (extra, message) => {
    const outcome = await invoke('check', { source: appSource(extra) });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(fake.github.requests).toEqual([]);
  });
});
