// Checks on user-supplied remotes and ref names before they reach git's argv. A value starting
// with `-` would be read as an option (`--upload-pack=…` runs a program); the `ext::` transport
// runs an arbitrary command. Both are refused with a message naming the field.
import { ConfigError } from '@hangar/resource-sdk';

/** Throws unless `uri` is a remote git may safely be given as an argument. */
export function assertSafeRemote(uri: string, field: string): void {
  if (!uri.trim()) throw new ConfigError(`${field} is required and must not be empty`);
  if (uri.startsWith('-'))
    throw new ConfigError(`${field} must not start with '-' (git would read it as an option)`);
  if (/^\s*ext::/i.test(uri))
    throw new ConfigError(`${field} uses the ext:: transport, which runs a command; it is not allowed`);
  if (/[\0\n\r]/.test(uri)) throw new ConfigError(`${field} must not contain control characters`);
}

/**
 * Throws unless `name` is usable as a branch/tag name: no leading `-`, and valid per
 * `git check-ref-format` rules (checked here without spawning git).
 */
export function assertSafeRefName(name: string, field: string): void {
  if (!name) throw new ConfigError(`${field} must not be empty`);
  if (name.startsWith('-'))
    throw new ConfigError(`${field} must not start with '-' (git would read it as an option)`);
  const problem = refNameProblem(name);
  if (problem) throw new ConfigError(`${field} '${name}' is not a valid git ref name: ${problem}`);
}

function refNameProblem(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name))
    return 'it contains a space, control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return "it contains '..'";
  if (name.includes('@{')) return "it contains '@{'";
  if (name === '@') return "'@' alone is reserved";
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return 'it has an empty path component';
  if (name.endsWith('.')) return "it ends with '.'";
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return "a component starts with '.'";
    if (part.endsWith('.lock')) return "a component ends with '.lock'";
  }
  return undefined;
}
