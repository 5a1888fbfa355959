// `hangar serve` and `run --ui` refuse bad settings with one line naming the cause.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function hangar(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  return { code, out, err };
}

describe('hangar serve', () => {
  const state = (): string[] => ['--state', join(mkdtempSync(join(tmpdir(), 'hangar-serve-')), '.hangar')];

  it('refuses to serve beyond the loopback without a token', async () => {
    const r = await hangar(['serve', ...state(), '--bind', '0.0.0.0', '--port', '0']);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: 'error: serving on 0.0.0.0 needs a token: set HANGAR_WEB_TOKEN (only 127.0.0.1 may be served without one)\n',
    });
  });

  it('names a bad port', async () => {
    const r = await hangar(['serve', ...state(), '--port', 'eighty']);
    expect(r.err).toBe("error: invalid --port 'eighty': expected 0-65535\n");
    expect(r.code).toBe(1);
  });
});
