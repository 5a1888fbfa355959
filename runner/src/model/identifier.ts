// RFC 040 identifiers: warnings only (except empty names and `run` messages), as in Concourse v8.
const letterOrDigit = String.raw`\p{Ll}\p{Lt}\p{Lm}\p{Lo}0-9`;
/** The common case, decided without the Unicode classes below. */
const validAscii = /^[a-z0-9][a-z0-9\-_.]*$/;

let unicode: { valid: RegExp; badStart: RegExp; illegal: RegExp } | undefined;
/** Built on first use: constructing the Unicode classes costs milliseconds at start-up. */
function unicodeClasses(): NonNullable<typeof unicode> {
  unicode ??= {
    valid: new RegExp(`^[${letterOrDigit}][${letterOrDigit}\\-_.]*$`, 'u'),
    badStart: new RegExp(`^[^${letterOrDigit}]`, 'u'),
    illegal: new RegExp(`[^${letterOrDigit}\\-_.]`, 'u'),
  };
  return unicode;
}

export type IdentifierCheck =
  { kind: 'ok' } | { kind: 'error'; message: string } | { kind: 'warning'; message: string };

/** Checks `name`; `context` is the message prefix such as `jobs.build.plan.do[0].get(src)`. */
export function checkIdentifier(name: string, context: string): IdentifierCheck {
  if (name === '') return { kind: 'error', message: `${context}: identifier cannot be an empty string` };
  if (/^[0-9]+$/.test(name)) {
    return {
      kind: 'warning',
      message: `${context}: '${name}' is not a valid identifier: cannot be just numbers`,
    };
  }
  if (validAscii.test(name)) return { kind: 'ok' };
  const { valid, badStart, illegal } = unicodeClasses();
  if (valid.test(name)) return { kind: 'ok' };
  let reason = '';
  if (badStart.test(name)) reason = 'must start with a lowercase letter or a number';
  else {
    const found = illegal.exec([...name].slice(1).join(''));
    if (found) reason = `illegal character '${found[0]}'`;
  }
  return { kind: 'warning', message: `${context}: '${name}' is not a valid identifier: ${reason}` };
}
