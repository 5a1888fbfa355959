import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthTokens } from './auth-tokens.js';
import { Store } from './store.js';

let store: Store | undefined;
afterEach(() => store?.close());
const open = (): Store => (store = new Store(mkdtempSync(join(tmpdir(), 'hangar-tokens-'))));

describe('issued tokens', () => {
  it('name their user until revoked, and are stored only as a digest', () => {
    const tokens = new AuthTokens(open());
    const { token, expiresInSeconds } = tokens.issue('alice');
    expect(expiresInSeconds).toBe(24 * 60 * 60);
    expect(tokens.user(token)).toBe('alice');
    expect(tokens.user(`${token}x`)).toBeUndefined();
    store!.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(store!.dir, 'state.db')).toString('latin1')).not.toContain(token);
    tokens.revoke(token);
    expect(tokens.user(token)).toBeUndefined();
  });

  it('expire, and an expired one is deleted when presented', () => {
    const s = open();
    const expired = new AuthTokens(s, -1).issue('bob').token;
    const tokens = new AuthTokens(s);
    expect(tokens.user(expired)).toBeUndefined();
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM auth_tokens').get()).toEqual({ n: 0 });
  });
});
