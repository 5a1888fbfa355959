// The two glob dialects Concourse uses for job names:
// - group `jobs:` entries are gobwas/glob patterns compiled without separators (`*` matches anything,
//   `**` too, `?`, `[abc]`, `[!a-z]`, `{a,b}`, `\` escapes);
// - get `passed:` entries (v8.1) use Go's path.Match (`*` stops at `/`, `[^a]` negation).
// No npm glob library reproduces either exactly (picomatch treats `/`, dots and braces differently),
// so both are translated to regular expressions here.

export type JobMatcher = (name: string) => boolean;

const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
const escapeClass = (c: string): string => c.replace(/[\\^\][-]/g, '\\$&');

/** Compiles a gobwas glob; undefined when the pattern is invalid (unclosed `[` or `{`, dangling `\`). */
export function compileGobwas(pattern: string): JobMatcher | undefined {
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      re += escapeRe(next);
      i++;
    } else if (c === '*') {
      while (pattern[i + 1] === '*') i++;
      re += '[\\s\\S]*';
    } else if (c === '?') {
      re += '[\\s\\S]';
    } else if (c === '[') {
      const cls = charClass(pattern, i, '!');
      if (!cls) return undefined;
      re += cls.re;
      i = cls.end;
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) {
      re += '|';
    } else {
      re += escapeRe(c);
    }
  }
  if (depth !== 0) return undefined;
  const regex = new RegExp(`^${re}$`, 'u');
  return (name) => regex.test(name);
}

/** Compiles a Go path.Match pattern; undefined when it is malformed (path.ErrBadPattern). */
export function compilePathMatch(pattern: string): JobMatcher | undefined {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      re += escapeRe(next);
      i++;
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const cls = charClass(pattern, i, '^');
      if (!cls) return undefined;
      re += cls.re;
      i = cls.end;
    } else {
      re += escapeRe(c);
    }
  }
  const regex = new RegExp(`^${re}$`, 'u');
  return (name) => regex.test(name);
}

function charClass(
  pattern: string,
  start: number,
  negation: string,
): { re: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === negation) {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      body += escapeClass(next);
      i++;
    } else if (c === '-' && body !== '' && pattern[i + 1] !== ']') {
      body += '-';
    } else {
      body += escapeClass(c);
    }
  }
  return undefined;
}
