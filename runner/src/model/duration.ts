// Go's time.ParseDuration grammar: an optional sign, then one or more decimal numbers each with a
// unit (ns, us, µs, μs, ms, s, m, h), or the bare "0".
const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// µ and μ as escapes: a regex literal is the one place esbuild keeps non-ASCII text, and one such
// character makes V8 hold the whole CLI bundle as a two-byte string (slower start-up).
const durationPattern = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/u;
const partPattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/gu;

export function isGoDuration(text: string): boolean {
  return /^[-+]?0$/.test(text) || durationPattern.test(text);
}

/** Milliseconds of a Go duration, or undefined when it does not parse. */
export function parseGoDuration(text: string): number | undefined {
  if (!isGoDuration(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(partPattern)) total += Number(m[1]) * (unitMs[m[2] ?? ''] ?? 0);
  return text.startsWith('-') ? -total : total;
}

/** time's own quote(): non-ASCII and control bytes as \x.. escapes. */
function timeQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x80 || code < 0x20) {
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

/** The error time.ParseDuration returns for `text`, word for word, or undefined when it parses. */
export function goDurationError(text: string): string | undefined {
  const invalid = `time: invalid duration ${timeQuote(text)}`;
  let s = text.replace(/^[-+]/, '');
  if (s === '0') return undefined;
  if (s === '') return invalid;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (!/^[0-9.]/.test(s) || (whole === '' && (fraction ?? '') === '')) return invalid;
    if (whole.length > 0 && BigInt(whole) > 9223372036854775807n) return invalid;
    s = s.slice(number?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return `time: missing unit in duration ${timeQuote(text)}`;
    if (!(unit in unitMs)) return `time: unknown unit ${timeQuote(unit)} in duration ${timeQuote(text)}`;
    s = s.slice(unit.length);
  }
  return undefined;
}

/** Go's Duration.String() of a duration given in milliseconds: `30m0s`, `1h0m0s`, `1.5s`, `500ms`. */
export function goDurationString(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  const fraction = (value: bigint, unit: bigint): string => {
    const whole = value / unit;
    const rest = (value % unit)
      .toString()
      .padStart(unit.toString().length - 1, '0')
      .replace(/0+$/, '');
    return rest === '' ? whole.toString() : `${whole}.${rest}`;
  };
  if (ns < 1000n) return `${sign}${ns}ns`;
  if (ns < 1000000n) return `${sign}${fraction(ns, 1000n)}µs`;
  if (ns < 1000000000n) return `${sign}${fraction(ns, 1000000n)}ms`;
  const hours = ns / 3600000000000n;
  const minutes = (ns / 60000000000n) % 60n;
  const seconds = fraction(ns % 60000000000n, 1000000000n);
  return `${sign}${hours > 0n ? `${hours}h` : ''}${hours > 0n || minutes > 0n ? `${minutes}m` : ''}${seconds}s`;
}
