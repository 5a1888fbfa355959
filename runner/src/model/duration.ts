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

const durationPattern = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/u;
const partPattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gu;

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
