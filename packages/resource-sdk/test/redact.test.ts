import { describe, expect, test } from 'vitest';
import { REDACTED, Redactor } from '../src/index.js';
import { counterResource } from './fixtures/counter-resource.js';
import { invoke } from './invoke.js';

const CANARY = 'canary-7f3a9c';

describe('Redactor', () => {
  test('secret-looking keys at any depth are redacted', () => {
    const redactor = Redactor.fromConfig({
      source: {
        password: `${CANARY}-pw`,
        nested: { api_token: `${CANARY}-tok` },
        list: [{ secret_access_key: `${CANARY}-sk` }],
      },
      params: { private_key: `${CANARY}-pk` },
    });
    const text = `pw=${CANARY}-pw tok=${CANARY}-tok sk=${CANARY}-sk pk=${CANARY}-pk`;
    expect(redactor.redact(text)).toBe(`pw=${REDACTED} tok=${REDACTED} sk=${REDACTED} pk=${REDACTED}`);
  });

  test('identifiers that merely contain "key" are not secrets', () => {
    const redactor = Redactor.fromConfig({ access_key_id: 'AKIAEXAMPLE', bucket: 'b' });
    expect(redactor.redact('AKIAEXAMPLE in b')).toBe('AKIAEXAMPLE in b');
  });

  test('each line of a multi-line secret is redacted on its own', () => {
    const key = `-----BEGIN KEY-----\n${CANARY}line1\n${CANARY}line2\n-----END KEY-----\n`;
    const redactor = Redactor.fromConfig({ private_key: key });
    expect(redactor.redact(`git said: ${CANARY}line2 is bad`)).toBe(`git said: ${REDACTED} is bad`);
  });

  test('keys the resource names as secret are redacted too', () => {
    const redactor = Redactor.fromConfig({ url: `https://hooks.example/${CANARY}` }, ['url']);
    expect(redactor.redact(`posting to https://hooks.example/${CANARY}`)).toBe(`posting to ${REDACTED}`);
  });

  test('URL userinfo is redacted wherever it appears, and its password everywhere', () => {
    const redactor = Redactor.fromConfig({ uri: `https://bot:${CANARY}%21@git.example/repo.git` });
    expect(redactor.redact(`cloning https://bot:${CANARY}%21@git.example/repo.git`)).toBe(
      `cloning https://${REDACTED}@git.example/repo.git`,
    );
    expect(redactor.redact(`password ${CANARY}! rejected`)).toBe(`password ${REDACTED} rejected`);
    expect(new Redactor().redact('see ssh://user@host/x')).toBe(`see ssh://${REDACTED}@host/x`);
  });
});

describe('a running resource never prints a secret', () => {
  test('not in an error message', async () => {
    const request = { source: { latest: 3, password: CANARY, fail_with: `bad password ${CANARY}` } };
    const outcome = await invoke(counterResource, ['check'], JSON.stringify(request));
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`error: remote refused: bad password ${REDACTED}`);
    expect(outcome.stdout + outcome.stderr).not.toContain(CANARY);
  });

  test('not in a config error, not with HANGAR_DEBUG stacks either', async () => {
    const request = { source: { latest: 'x', password: CANARY } };
    const outcome = await invoke(counterResource, ['check'], JSON.stringify(request), { HANGAR_DEBUG: '1' });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout + outcome.stderr).not.toContain(CANARY);
  });
});

describe('Redactor on huge values', () => {
  test('long runs that look like the start of a URL are scanned in linear time', () => {
    // A scheme-first pattern took hours on these (quadratic backtracking); this must finish at once.
    const huge = 'a-'.repeat(1 << 18);
    const redactor = Redactor.fromConfig({ source: { url: huge, password: 'pw-secret' } });
    expect(redactor.redact(`${huge} https://u:pw-secret@h`)).toBe(`${huge} https://${REDACTED}@h`);
  });
});
