// Local users (`hangar serve --add-local-user NAME:PASSWORD`, --local-users-file,
// HANGAR_ADD_LOCAL_USER), as Concourse's web node takes them. Passwords live in memory only, as
// SHA-256 digests compared in constant time; they are never stored, logged or echoed.
import { createHash, timingSafeEqual } from 'node:crypto';

export class LocalUserError extends Error {
  override name = 'LocalUserError';
}

const digest = (password: string): Buffer => createHash('sha256').update(password).digest();

export class LocalUsers {
  readonly #digests = new Map<string, Buffer>();

  /** `entries` are NAME:PASSWORD; `origin` names where a bad one came from (never its password). */
  add(entries: Iterable<string>, origin: string): void {
    for (const entry of entries) {
      const colon = entry.indexOf(':');
      const name = colon < 0 ? entry : entry.slice(0, colon);
      if (colon <= 0 || colon === entry.length - 1)
        throw new LocalUserError(
          `${origin}: expected NAME:PASSWORD${colon > 0 ? ` (user '${name}' has no password)` : ''}`,
        );
      this.#digests.set(name, digest(entry.slice(colon + 1)));
    }
  }

  names(): string[] {
    return [...this.#digests.keys()].sort();
  }

  verify(name: string, password: string): boolean {
    const expected = this.#digests.get(name);
    return expected !== undefined && timingSafeEqual(expected, digest(password));
  }
}

/** One NAME:PASSWORD a line; blank lines and `#` comments skipped. */
export function localUsersFromFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** HANGAR_ADD_LOCAL_USER: comma-separated, like CONCOURSE_ADD_LOCAL_USER. */
export function localUsersFromEnv(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
