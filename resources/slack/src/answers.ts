// Slack's answers, checked before either client reads them. A proxy's login page or a truncated
// body is one line naming the endpoint and what was wrong, not "unknown_error" or a crash.
import * as z from 'zod/mini';
import { ConfigError, RemoteError, parseConfig, type Redactor } from '@hangar/resource-sdk';

/** Every Web API answer says whether the call worked, */
const WEB_API_ANSWER = z.object({ ok: z.boolean() });
/** and then either why not, */
const WEB_API_REFUSAL = z.object({ error: z.string() });
/** or where the message is (chat.postMessage and chat.update alike). */
const WEB_API_MESSAGE = z.object({ channel: z.string(), ts: z.string() });

/** What a webhook answers when it took the message (Slack and Mattermost alike). */
export const WEBHOOK_ACCEPTED = 'ok';

/** How much of an unexpected body a message quotes. */
const QUOTED_CHARACTERS = 200;

/** A 200 whose body is not what Slack documents; retrying will not change it. */
export class UnexpectedAnswer extends RemoteError {}

/** `<endpoint> answered <status> with an unexpected body (<problem>): <first characters>`. */
export function describeUnexpected(
  answered: string,
  problem: string,
  text: string,
  redactor: Redactor,
): string {
  // Redacted before it is cut, so a secret across the cut cannot leak its first half.
  const quoted = redactor.redact(text).slice(0, QUOTED_CHARACTERS).replace(/\s+/g, ' ');
  return `${answered} with an unexpected body (${problem}): ${quoted || '(empty)'}`;
}

/** Throws UnexpectedAnswer unless `text` is a Web API answer of the documented shape. */
export function checkWebApiAnswer(answered: string, text: string, redactor: Redactor): void {
  let problem = 'the body is not JSON';
  try {
    const { ok } = parseConfig(WEB_API_ANSWER, JSON.parse(text), 'body');
    parseConfig(ok ? WEB_API_MESSAGE : WEB_API_REFUSAL, JSON.parse(text), 'body');
    return;
  } catch (error) {
    if (error instanceof ConfigError) problem = error.message;
    else if (!(error instanceof SyntaxError)) throw error;
  }
  throw new UnexpectedAnswer(describeUnexpected(answered, problem, text, redactor));
}
