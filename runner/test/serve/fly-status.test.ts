// The real fly talks to a real `hangar serve`: the target the fixture leaves is logged in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeFixture } from './harness.js';

let serve: ServeFixture;
beforeAll(async () => {
  serve = await startServe();
});
afterAll(() => serve.stop());

describe('fly status', () => {
  it('says the target is logged in, with no version warning', async () => {
    expect(await serve.fly(['status'])).toEqual({ code: 0, stdout: 'logged in successfully\n', stderr: '' });
  });

  it('refuses a target holding a token the server never issued', async () => {
    const flyrc = `${serve.dir}/home/.flyrc`;
    const { readFileSync, writeFileSync } = await import('node:fs');
    const good = readFileSync(flyrc, 'utf8');
    writeFileSync(flyrc, good.replace(serve.token, 'not-the-token'));
    try {
      const r = await serve.fly(['status']);
      expect(r.code).not.toBe(0);
    } finally {
      writeFileSync(flyrc, good);
    }
  });
});
