import { describe, expect, it } from 'vitest';
import { GitCommandError } from '@hangar/git';
import { PushConflict, classifyPushFailure } from './git.js';

const failure = (stdout: string, stderr = 'error: failed to push some refs') =>
  classifyPushFailure(new GitCommandError(['push'], { stdout, stderr, code: 1 }));

describe('classifyPushFailure', () => {
  it.each([
    '!\tabc:refs/heads/version\t[rejected] (non-fast-forward)',
    '!\tabc:refs/heads/version\t[rejected] (fetch first)',
    '!\trefs/tags/v1.0.1:refs/tags/v1.0.1\t[rejected] (already exists)',
    '!\trefs/tags/v1.0.1:refs/tags/v1.0.1\t[remote rejected] (failed to update ref)',
    "!\tabc:refs/heads/version\t[remote rejected] (cannot lock ref 'refs/heads/version': is at x but expected y)",
  ])('treats %s as a lost race', (line) => {
    expect(failure(`To file:///r.git\n${line}\nDone`)).toBeInstanceOf(PushConflict);
  });

  it.each([
    '!\tabc:refs/heads/version\t[remote rejected] (pre-receive hook declined)',
    '!\tabc:refs/heads/version\t[remote rejected] (protected branch hook declined)',
  ])('fails at once on %s', (line) => {
    const error = failure(`To file:///r.git\n${line}\nDone`);
    expect(error).not.toBeInstanceOf(PushConflict);
    expect(error).toBeInstanceOf(GitCommandError);
  });

  it('fails at once on authentication errors', () => {
    expect(failure('', "fatal: Authentication failed for 'http://127.0.0.1/r.git/'")).not.toBeInstanceOf(
      PushConflict,
    );
  });
});
