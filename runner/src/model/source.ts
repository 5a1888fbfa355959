// YAML text -> plain data, keeping a way back from any data path to its line and column.
// Pure: takes the text, never reads files (see load.ts for that).
import {
  isAlias,
  type Tags,
  isMap,
  isScalar,
  isSeq,
  type Scalar,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';

export type PathSegment = string | number;
export type DataPath = readonly PathSegment[];

/** Append to a path to point at a map entry's key rather than its value. */
export const atKey = '\u0000key';

export interface Position {
  file: string;
  line: number;
  col: number;
}

/** A problem that stops the YAML from being read at all (fly would print it and exit 1). */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly position: Position | undefined,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface SourceLimits {
  /** Largest accepted document, in bytes. */
  maxBytes: number;
  /** How many times one anchor may be expanded, relative to the document (the `yaml` package's guard). */
  maxAliasCount: number;
}

export const defaultLimits: SourceLimits = { maxBytes: 8 * 1024 * 1024, maxAliasCount: 1000 };

export interface YamlSource {
  file: string;
  text: string;
  data: unknown;
  /** Position of the node at `path` or of its nearest ancestor that exists in the text. */
  locate(path: DataPath): Position;
}

/**
 * Parses one YAML document the way Concourse reads pipeline files: YAML 1.1 scalars (`yes` is a
 * boolean, as in go-yaml), merge keys, anchors and aliases, duplicate keys rejected.
 */
export function parseYamlSource(
  text: string,
  file: string,
  limits: SourceLimits = defaultLimits,
  duplicateKeys: 'error' | 'last wins' = 'error',
): YamlSource {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limits.maxBytes) {
    throw new SourceError(`file is ${size} bytes, larger than the limit of ${limits.maxBytes} bytes`, {
      file,
      line: 1,
      col: 1,
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter,
    keepSourceTokens: false,
    customTags: goYamlTags,
  });
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const first = doc.errors[0];
  if (first) throw new SourceError(first.message.split('\n')[0] ?? first.message, at(first.pos[0]));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const unknownAnchor = /^Unresolved alias \(the anchor must be set before the alias\): (.*)$/.exec(
      message,
    )?.[1];
    if (unknownAnchor !== undefined)
      throw new SourceError(`yaml: unknown anchor '${unknownAnchor}' referenced`, at(0));
    if (/alias/i.test(message)) {
      throw new SourceError(
        `too many alias expansions (more than ${limits.maxAliasCount}): refusing a possible alias bomb`,
        at(0),
      );
    }
    throw new SourceError(message, at(0));
  }
  if (duplicateKeys === 'error') {
    const duplicates = duplicateKeyErrors(doc, lineCounter);
    if (duplicates.length > 0) {
      const message = `yaml: unmarshal errors:\n  ${duplicates.map((d) => d.message).join('\n  ')}`;
      throw new SourceError(message, at(duplicates[0]?.offset ?? 0));
    }
  }
  return {
    file,
    text,
    data: data ?? null,
    locate: (path) => at(offsetOf(doc, path)),
  };
}

/**
 * Repeated keys as go-yaml v3 reports them (fly reads every pipeline with it first): every pair of
 * equal scalar keys in a mapping, `<<` included, depth first; a mapping with repeats is not entered.
 */
function duplicateKeyErrors(doc: Document, lines: LineCounter): { message: string; offset: number }[] {
  const found: { message: string; offset: number }[] = [];
  let aliases = 0;
  const lineOf = (node: unknown): number => lines.linePos(rangeStart(node) ?? 0).line;
  const visit = (node: unknown): void => {
    if (isAlias(node)) {
      if (++aliases <= 1000) visit(node.resolve(doc));
      return;
    }
    if (isSeq(node)) {
      for (const item of node.items) visit(item);
      return;
    }
    if (!isMap(node)) return;
    const keys = node.items.map((pair) => pair.key);
    const before = found.length;
    keys.forEach((first, i) => {
      if (!isScalar(first)) return;
      for (const later of keys.slice(i + 1)) {
        if (isScalar(later) && scalarText(later) === scalarText(first)) {
          const message = `line ${lineOf(later)}: mapping key ${JSON.stringify(scalarText(later))} already defined at line ${lineOf(first)}`;
          found.push({ message, offset: rangeStart(later) ?? 0 });
        }
      }
    });
    if (found.length > before) return;
    for (const pair of node.items) visit(pair.value);
  };
  visit(doc.contents);
  return found;
}

const scalarText = (node: Scalar): string =>
  typeof node.source === 'string' ? node.source : String(node.value);

/**
 * go-yaml v2 (what Concourse decodes with) reads YAML 1.1 scalars (`y`, `yes`, `on` are booleans),
 * minus a few things the `yaml` package's 1.1 schema adds: base-60 numbers, timestamps, and `.` as
 * a float.
 */
export function goYamlTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const t of tags) {
    if (typeof t === 'string') {
      if (t !== 'timestamp' && t !== 'intTime' && t !== 'floatTime') out.push(t);
      continue;
    }
    const format = 'format' in t ? t.format : undefined;
    const test = 'test' in t ? t.test : undefined;
    if (format === 'TIME' || t.tag === 'tag:yaml.org,2002:timestamp') continue;
    if (t.tag === 'tag:yaml.org,2002:float' && !format && test?.test('.') === true) {
      out.push({
        ...t,
        test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*[0-9][0-9_]*$|^[-+]?[0-9][0-9_]*\.$/,
      } as typeof t);
    } else {
      out.push(t);
    }
  }
  return out;
}

function offsetOf(doc: Document, path: DataPath): number {
  let node: unknown = doc.contents;
  let best = rangeStart(node) ?? 0;
  for (const [i, segment] of path.entries()) {
    if (segment === atKey) break;
    const wantKey = path[i + 1] === atKey;
    const next = child(doc, node, segment, wantKey);
    if (next === undefined) break;
    node = next.node;
    best = next.offset ?? rangeStart(node) ?? best;
  }
  return best;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

function resolve(doc: Document, node: unknown): unknown {
  let current = node;
  for (let i = 0; i < 32 && isAlias(current); i++) current = current.resolve(doc);
  return current;
}

function child(
  doc: Document,
  parent: unknown,
  segment: PathSegment,
  wantKey = false,
): { node: unknown; offset: number | undefined } | undefined {
  const node = resolve(doc, parent);
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { node: item, offset: rangeStart(item) };
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(segment)) {
        // point at the key for maps and sequences, at the value for scalars
        const value = pair.value as Node | null;
        const offset = isScalar(value) && !wantKey ? rangeStart(value) : rangeStart(pair.key);
        return { node: value, offset };
      }
    }
    for (const pair of node.items) {
      if (isScalar(pair.key) && (pair.key.value === '<<' || pair.key.source === '<<')) {
        const merged = resolve(doc, pair.value);
        const sources = isSeq(merged) ? merged.items : [merged];
        for (const source of sources) {
          const found = child(doc, source, segment, wantKey);
          if (found) return found;
        }
      }
    }
  }
  return undefined;
}
