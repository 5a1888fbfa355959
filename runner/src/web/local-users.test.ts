import { describe, expect, it } from 'vitest';
import { LocalUsers, localUsersFromEnv, localUsersFromFile } from './local-users.js';

describe('local users', () => {
  it('verify a password, and nothing else', () => {
    const users = new LocalUsers();
    users.add(['alice:pa:ss', 'bob:x'], 'test');
    expect(users.verify('alice', 'pa:ss')).toBe(true);
    expect(users.verify('alice', 'pa')).toBe(false);
    expect(users.verify('carol', 'x')).toBe(false);
    expect(users.names()).toEqual(['alice', 'bob']);
  });

  it('refuse an entry without a name or password, naming where it came from, never the password', () => {
    const users = new LocalUsers();
    expect(() => users.add(['alice'], '--add-local-user')).toThrow(
      '--add-local-user: expected NAME:PASSWORD',
    );
    expect(() => users.add([':hunter2'], 'HANGAR_ADD_LOCAL_USER')).toThrow(
      /^HANGAR_ADD_LOCAL_USER: expected NAME:PASSWORD$/,
    );
    expect(() => users.add(['dave:'], 'f')).toThrow(
      "f: expected NAME:PASSWORD (user 'dave' has no password)",
    );
  });

  it('read the file (one a line, # comments) and the variable (comma-separated)', () => {
    expect(localUsersFromFile('# users\nalice:a\n\n  bob:b  \r\n')).toEqual(['alice:a', 'bob:b']);
    expect(localUsersFromEnv('alice:a, bob:b,')).toEqual(['alice:a', 'bob:b']);
  });
});
