// Signing the real fly in to a real `hangar serve`: local users from the flag, a file and the
// environment, fly's password grant, the browser flow, logout, and what a signed-in fly then reads
// (userinfo, teams, workers). No password or issued token may reach the server's output or state.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangarProcess, startServe, type ServeFixture } from './harness.js';

const passwords = { alice: 'alice-Pa55', bob: 'bob-from-file', carol: 'carol-from-env' };

let serve: ServeFixture;
beforeAll(async () => {
  const usersFile = join(mkdtempSync(join(tmpdir(), 'hangar-users-')), 'users');
  writeFileSync(usersFile, `# one NAME:PASSWORD a line\nbob:${passwords.bob}\n`);
  serve = await startServe({
    args: ['--add-local-user', `alice:${passwords.alice}`, '--local-users-file', usersFile],
    env: { HANGAR_ADD_LOCAL_USER: `carol:${passwords.carol}` },
  });
});
afterAll(() => serve.stop());

const flyrc = (): string => readFileSync(join(serve.home, '.flyrc'), 'utf8');
const tokenOf = (target: string): string => {
  const match = new RegExp(`${target}:[\\s\\S]*?value: (\\S+)`).exec(flyrc());
  if (!match) throw new Error(`no token for ${target} in .flyrc`);
  return match[1]!;
};
const login = (target: string, user: string, password: string) =>
  serve.fly(['-t', target, 'login', '-c', serve.url, '-u', user, '-p', password], { target: false });

describe('hangar serve --add-local-user', () => {
  it('refuses an entry without a password in one line, exit 1', async () => {
    const state = mkdtempSync(join(tmpdir(), 'hangar-users-'));
    const p = hangarProcess(['serve', '--port', '0', '--state', state, '--add-local-user', 'alice:']);
    const [code] = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toBe(
      "error: --add-local-user: expected NAME:PASSWORD (user 'alice' has no password)\n",
    );
  });
});

describe('fly login with a password', () => {
  it.each(Object.entries(passwords))('signs %s in and saves the target', async (user, password) => {
    const r = await login(user, user, password);
    expect(r).toEqual({ code: 0, stdout: "logging in to team 'main'\n\n\n\rtarget saved\r\n", stderr: '' });
    expect(tokenOf(user)).not.toBe(serve.token);
    const info = await serve.fly(['-t', user, 'userinfo'], { target: false });
    expect(info).toEqual({ code: 0, stdout: `${user}  main/owner\n`, stderr: '' });
  });

  it('refuses a wrong password with the identity provider’s answer', async () => {
    const r = await login('wrong', 'alice', 'not-her-password');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("logging in to team 'main'\n\n");
    expect(r.stderr).toBe('error: oauth2: "access_denied" "Invalid username or password"\n');
    expect(flyrc()).not.toContain('wrong:');
  });

  it('accepts the server token (HANGAR_WEB_TOKEN) as a password, for any user name', async () => {
    const r = await login('viatoken', 'anyone', serve.token);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('target saved');
    expect((await serve.fly(['-t', 'viatoken', 'userinfo'], { target: false })).stdout).toBe(
      'token  main/owner\n',
    );
  });

  it('logs out: the token is revoked on the server, not only forgotten by fly', async () => {
    await login('leaving', 'alice', passwords.alice);
    const token = tokenOf('leaving');
    const before = await fetch(`${serve.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(before.status).toBe(200);
    const r = await serve.fly(['-t', 'leaving', 'logout'], { target: false });
    expect(r).toEqual({ code: 0, stdout: 'logged out of target: leaving\n', stderr: '' });
    const after = await fetch(`${serve.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    expect(await serve.fly(['-t', 'leaving', 'status'], { target: false })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'logged out\n',
    });
  });
});

describe('fly login without -u (the browser flow)', () => {
  it('prints a sign-in URL whose form hands the token to fly', async () => {
    const fly = serve.flyProcess(['login', '-c', serve.url]);
    try {
      const [, signIn] = await fly.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/login\?fly_port=\d+)/);
      const page = await fetch(signIn!);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<form method="post" action="/login">');
      const port = /fly_port=(\d+)/.exec(signIn!)![1]!;
      expect(html).toContain(`name="fly_port" value="${port}"`);

      const wrong = await postForm({ username: 'alice', password: 'nope', fly_port: port });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('invalid username or password');

      const signedIn = await postForm({ username: 'alice', password: passwords.alice, fly_port: port });
      expect(signedIn.status).toBe(303);
      const callback = signedIn.headers.get('location')!;
      expect(callback).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=bearer%20`));
      // the browser follows the redirect to fly, which sends it on to /fly_success
      const handed = await fetch(callback, {
        headers: { 'upgrade-insecure-requests': '1' },
        redirect: 'manual',
      });
      expect(handed.headers.get('location')).toBe(`${serve.url}/fly_success?noop=true`);
      expect(await (await fetch(`${serve.url}/fly_success?noop=true`)).text()).toContain(
        'you have successfully logged in',
      );
      await fly.exited;
      expect(fly.child.exitCode).toBe(0);
      expect(fly.output()).toContain('target saved');
      expect(tokenOf('local')).toBe(decodeURIComponent(callback.split('%20')[1]!));
      expect(await serve.fly(['userinfo'])).toEqual({ code: 0, stdout: 'alice  main/owner\n', stderr: '' });
    } finally {
      fly.child.kill();
    }
  });

  it('refuses a fly_port that is not a port (no open redirect)', async () => {
    const r = await postForm({ username: 'alice', password: passwords.alice, fly_port: 'evil.example/' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
  });
});

function postForm(fields: Record<string, string>): Promise<Response> {
  return fetch(`${serve.url}/login`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

describe('what a signed-in fly reads', () => {
  it('info: the version of the fly bootstrap builds, so fly never warns; public before sign-in', async () => {
    const fly = await serve.fly(['--version'], { target: false });
    const info = (await (await fetch(`${serve.url}/api/v1/info`)).json()) as { version: string };
    expect(info.version).toBe(fly.stdout.trim());
    expect(await serve.fly(['pipelines'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('teams: one team, main, with the local users as owners', async () => {
    expect(await serve.fly(['teams'])).toEqual({ code: 0, stdout: 'main\n', stderr: '' });
    const detailed = await serve.fly(['teams', '-d']);
    expect(detailed.stdout).toBe('main/owner  local:alice,local:bob,local:carol  none\n');
  });

  it('workers: this machine, with its runtime and resource types', async () => {
    const r = await serve.fly(['workers', '-d']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const cells = r.stdout.trimEnd().split(/ {2,}/);
    expect(cells.slice(0, 7)).toEqual([hostname(), '0', 'linux', 'none', 'none', 'running', '3.0']);
    expect(cells[8]).toMatch(/^(host|oci) runtime$/);
    expect(cells.at(-1)).toContain('git');
  });
});

describe('secrets', () => {
  it('never reach the server output or the state directory', () => {
    const issued = tokenOf('alice');
    const output = serve.process.output();
    const state = readdirSync(serve.stateDir).map((f) =>
      readFileSync(join(serve.stateDir, f)).toString('latin1'),
    );
    for (const secret of [...Object.values(passwords), issued]) {
      expect(output).not.toContain(secret);
      for (const file of state) expect(file).not.toContain(secret);
    }
  });
});
