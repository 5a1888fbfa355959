// Tokens the server issues at sign-in (fly's password grant, the /login page). Only a SHA-256 of
// each token is stored, so the state database never holds a credential that works.
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from './store.js';

/** Concourse's default --auth-duration. */
export const tokenLifetimeMs = 24 * 60 * 60 * 1000;

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export class AuthTokens {
  constructor(
    readonly store: Store,
    readonly lifetimeMs = tokenLifetimeMs,
  ) {}

  issue(user: string): { token: string; expiresInSeconds: number } {
    const token = randomBytes(32).toString('base64url');
    this.store.db
      .prepare('INSERT INTO auth_tokens (hash, user, expires_at) VALUES (?, ?, ?)')
      .run(digest(token), user, Date.now() + this.lifetimeMs);
    return { token, expiresInSeconds: Math.floor(this.lifetimeMs / 1000) };
  }

  /** The user a live token was issued to. */
  user(token: string): string | undefined {
    const row = this.store.db
      .prepare('SELECT user, expires_at FROM auth_tokens WHERE hash = ?')
      .get(digest(token)) as { user: string; expires_at: number } | undefined;
    if (!row) return undefined;
    if (row.expires_at > Date.now()) return row.user;
    this.revoke(token);
    return undefined;
  }

  revoke(token: string): void {
    this.store.db.prepare('DELETE FROM auth_tokens WHERE hash = ?').run(digest(token));
  }
}
