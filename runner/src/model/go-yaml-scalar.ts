// Strings laid out as go-yaml v2's emitter (emitterc.go) writes them, where the `yaml` package
// differs: a one-line scalar breaks at the first space past column 80 (best_width), double-quoted
// text escapes every unprintable character and line break, and a literal block that starts with a
// line break carries the indentation indicator `2`.
import type { ScalarTag } from 'yaml';
import { stringifyString } from 'yaml/util';

const bestWidth = 80;

/** go-yaml's is_printable, by code point: astral characters count as unprintable. */
const printable = (cp: number): boolean =>
  cp === 0x0a ||
  (cp >= 0x20 && cp <= 0x7e) ||
  (cp >= 0xa0 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);

/** A string go-yaml can only write double-quoted (its analyzer finds "special characters"). */
export const needsDoubleQuotes = (text: string): boolean =>
  [...text].some((c) => !printable(c.codePointAt(0) ?? 0));

const namedEscapes: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** go-yaml's escape for a character in double quotes, if it needs one. */
function escape(c: string): string | undefined {
  const cp = c.codePointAt(0) ?? 0;
  if (printable(cp) && !'\n\u2028\u2029"\\'.includes(c)) return undefined;
  const named = namedEscapes[c];
  if (named !== undefined) return `\\${named}`;
  const [mark, digits] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
  return `\\${mark}${cp.toString(16).toUpperCase().padStart(digits, '0')}`;
}

/** Writes `chars` from `column` on, breaking at a space past best_width where `breakable` allows. */
function foldAtSpaces(
  chars: readonly string[],
  column: number,
  indent: string,
  breakable: (i: number) => boolean,
): string {
  let out = '';
  let afterSpace = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === ' ' && !afterSpace && column > bestWidth && breakable(i)) {
      out += `\n${indent}`;
      column = indent.length;
    } else {
      out += c;
      column++;
    }
    afterSpace = c === ' ';
  }
  return out;
}

function doubleQuoted(value: string, column: number, indent: string): string {
  const chars = [...value];
  const last = chars.length - 1;
  let out = '"';
  column++;
  let afterSpace = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const escaped = escape(c);
    if (escaped !== undefined) {
      out += escaped;
      column += escaped.length;
    } else if (c === ' ' && !afterSpace && column > bestWidth && i > 0 && i < last) {
      // A space starting the next line would be folded away: go-yaml escapes it.
      const lead = chars[i + 1] === ' ' ? '\\' : '';
      out += `\n${indent}${lead}`;
      column = indent.length + lead.length;
    } else {
      out += c;
      column++;
    }
    afterSpace = c === ' ' && escaped === undefined;
  }
  return `${out}"`;
}

/** A literal block starting with a line break: `|2` and no indentation on the leading empty line. */
function literalWithIndicator(text: string, indent: string): string {
  const eol = text.indexOf('\n');
  const header = text.slice(1, eol);
  const body = text.slice(eol + 1);
  const lead = body.startsWith(`${indent}\n`) ? body.slice(indent.length) : body;
  return `|${/^[0-9]/.test(header) ? header : `2${header}`}\n${lead}`;
}

/** The core `str` tag, its output laid out as go-yaml v2 lays it out. */
export function goYamlStringTag(tag: ScalarTag): ScalarTag {
  return {
    ...tag,
    stringify(item, ctx, onComment, onChompKeep) {
      const text = stringifyString(item, ctx, onComment, onChompKeep);
      const value = String(item.value);
      if (ctx.implicitKey || ctx.inFlow === true) return text;
      const { indent } = ctx;
      if (text.startsWith('|') && value.startsWith('\n')) return literalWithIndicator(text, indent);
      // The column the scalar starts at: after `key: ` (indentAtStart is its length) or `- `.
      const column = indent.length - 2 + (ctx.indentAtStart ?? 2);
      if (text.startsWith('"')) return doubleQuoted(value, column, indent);
      if (text.includes('\n')) return text;
      const chars = [...text];
      if (text.startsWith("'")) {
        return foldAtSpaces(
          chars,
          column,
          indent,
          (i) => i > 1 && i < chars.length - 2 && chars[i + 1] !== ' ',
        );
      }
      return foldAtSpaces(chars, column, indent, (i) => chars[i + 1] !== ' ');
    },
  };
}
