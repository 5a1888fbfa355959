// Reading a subject's stdout: strictly (what the protocol demands) and leniently (so one violation
// is reported once, by its own check, instead of breaking every later check).

export type StrictParse = { ok: true; value: unknown } | { ok: false; reason: string };

/** Exactly one JSON value, surrounded by nothing but whitespace. */
export function parseStrict(stdout: string): StrictParse {
  const text = stdout.trim();
  if (text === '') return { ok: false, reason: 'stdout is empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const found = parseLenient(stdout);
    if (found.found)
      return { ok: false, reason: `stdout has other output around the JSON value: ${excerpt(text)}` };
    return { ok: false, reason: `stdout is not JSON: ${excerpt(text)}` };
  }
}

export type LenientParse = { found: true; value: unknown } | { found: false };

/** Finds a JSON value among log lines: tries every run of whole lines, longest first. */
export function parseLenient(stdout: string): LenientParse {
  const lines = stdout.split('\n').slice(0, 400); // bounded effort for very chatty subjects
  for (let len = lines.length; len >= 1; len--) {
    for (let start = 0; start + len <= lines.length; start++) {
      const chunk = lines
        .slice(start, start + len)
        .join('\n')
        .trim();
      if (chunk === '' || !'[{'.includes(chunk[0] ?? '')) continue;
      try {
        return { found: true, value: JSON.parse(chunk) as unknown };
      } catch {
        // keep looking
      }
    }
  }
  return { found: false };
}

export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}
