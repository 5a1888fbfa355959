// `((source:path.field))` references, parsed the way Concourse's vars package reads them.

/** Matches one `((...))` placeholder; group 1 is the text between the parentheses. */
export const varPattern = /\(\((([-/.\w\p{L}]+:)?[-/.:@"\w\p{L}]+)\)\)/gu;

/** A string that is exactly one placeholder. */
export const wholeVarPattern = /^\(\((([-/.\w\p{L}]+:)?[-/.:@"\w\p{L}]+)\)\)$/u;

export interface VarRef {
  /** The text inside `((` `))`. */
  raw: string;
  /** Var source name; `.` is the local scope; undefined means the cluster credential manager. */
  source: string | undefined;
  /** First path segment: the var's name. */
  path: string;
  /** Remaining segments: fields looked up inside the value. */
  fields: string[];
}

export class VarSyntaxError extends Error {
  override name = 'VarSyntaxError';
}

/** Parses `name`, `src:name.field`, `.:local`, `src:"quoted.name"."field:x"`. */
export function parseVarRef(raw: string): VarRef {
  let source: string | undefined;
  let rest = raw;
  const colon = unquotedIndex(raw, ':');
  if (colon >= 0) {
    const candidate = raw.slice(0, colon);
    if (!candidate.includes('"')) {
      source = candidate;
      rest = raw.slice(colon + 1);
    }
  }
  const segments = splitUnquoted(rest, '.').map((segment) => segment.replaceAll('"', ''));
  if (segments.some((segment) => segment === '')) {
    throw new VarSyntaxError(`invalid var '${raw}': empty field`);
  }
  const [path = '', ...fields] = segments;
  return { raw, source, path, fields };
}

function unquotedIndex(text: string, char: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === char && !quoted) return i;
  }
  return -1;
}

function splitUnquoted(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let current = '';
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** Every var referenced anywhere in a value (strings and map keys), in document order. */
export function collectVarRefs(value: unknown): VarRef[] {
  const found: VarRef[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(varPattern)) {
        const inner = m[1];
        if (inner === undefined) continue;
        try {
          found.push(parseVarRef(inner));
        } catch {
          // syntax problems are reported when the var is resolved
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        visit(k);
        visit(item);
      }
    }
  };
  visit(value);
  return found;
}
