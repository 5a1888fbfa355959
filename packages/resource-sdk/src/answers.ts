// Remote answers are checked before use (#24): a proxy's login page, an empty or cut-off body, or
// wrong types from an HTTP API fail in one line naming the request, the status and what was wrong,
// quoting the start of the body with secrets removed, never deep inside the resource.
import { ConfigError, RemoteError } from './errors.js';
import type { Redactor } from './redact.js';
import { parseConfig, type Schema } from './schema.js';
import type * as z from 'zod/mini';

/** How much of an unexpected body a message quotes. */
const QUOTED_CHARACTERS = 200;

/** A successful answer whose body is not what the endpoint documents; retrying will not change it. */
export class UnexpectedAnswer extends RemoteError {}

/** `<answered> with an unexpected body (<problem>): <its first 200 characters>`. */
export function describeUnexpectedAnswer(
  answered: string,
  problem: string,
  text: string,
  redactor: Redactor,
): string {
  // Redacted before it is cut, so a secret across the cut cannot leak its first half.
  const quoted = redactor.redact(text).slice(0, QUOTED_CHARACTERS).replace(/\s+/g, ' ');
  return `${answered} with an unexpected body (${problem}): ${quoted || '(empty)'}`;
}

export interface Answer {
  /** What was asked and what came back, as messages say it: `POST /api/annotations answered 200`. */
  answered: string;
  /** The body as received. */
  text: string;
  /** The body as a client already decoded it, `undefined` when it could not (else `text` is parsed). */
  json?: unknown;
}

/**
 * The answer's JSON body checked against `schema` (what the caller reads of it); otherwise an
 * UnexpectedAnswer, or what `fail` makes of the one-line message (a client's own error class).
 */
export function parseAnswer<S extends Schema>(
  schema: S,
  answer: Answer,
  redactor: Redactor,
  fail: (message: string) => Error = (message) => new UnexpectedAnswer(message),
): z.output<S> {
  let problem = 'the body is not JSON';
  try {
    const json: unknown = 'json' in answer ? answer.json : JSON.parse(answer.text);
    if (json === undefined) throw new SyntaxError('not decoded');
    return parseConfig(schema, json, 'body');
  } catch (error) {
    if (error instanceof ConfigError) problem = error.message;
    else if (!(error instanceof SyntaxError)) throw error;
  }
  throw fail(describeUnexpectedAnswer(answer.answered, problem, answer.text, redactor));
}
