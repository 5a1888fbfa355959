import { describe, expect, it } from 'vitest';
import { assertSafeRefName, assertSafeRemote } from '../src/index.js';

describe('assertSafeRemote', () => {
  it.each(['https://example.com/repo.git', 'git@github.com:org/repo.git', '/srv/repo.git', 'file:///srv/r'])(
    'accepts %s',
    (uri) => expect(() => assertSafeRemote(uri, 'source.uri')).not.toThrow(),
  );

  it('refuses a value git would read as an option, naming the field', () => {
    expect(() => assertSafeRemote('--upload-pack=touch /tmp/x', 'source.uri')).toThrow(
      "source.uri must not start with '-'",
    );
  });

  it.each(['ext::sh -c touch% /tmp/pwned', 'EXT::ssh x'])('refuses the ext transport: %s', (uri) => {
    expect(() => assertSafeRemote(uri, 'source.uri')).toThrow(/source\.uri uses the ext:: transport/);
  });

  it('refuses an empty uri', () => {
    expect(() => assertSafeRemote(' ', 'source.uri')).toThrow('source.uri is required and must not be empty');
  });
});

describe('assertSafeRefName', () => {
  it.each(['main', 'release/1.x', 'feature-a', 'v1.0.0'])('accepts %s', (name) => {
    expect(() => assertSafeRefName(name, 'source.branch')).not.toThrow();
  });

  it.each([
    ['-f', /must not start with '-'/],
    ['a..b', /'\.\.'/],
    ['a b', /space/],
    ['x.lock', /\.lock/],
    ['a/', /empty path component/],
    ['@{u}', /@\{/],
  ])('refuses %s', (name, message) => {
    expect(() => assertSafeRefName(name, 'params.branch')).toThrow(message);
  });
});
