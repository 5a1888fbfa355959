// Slack's answers, checked before either client reads them. A proxy's login page or a truncated
// body is one line naming the endpoint and what was wrong, not "unknown_error" or a crash.
import * as z from 'zod/mini';
import { parseAnswer, type Redactor } from '@hangar/resource-sdk';

/** Every Web API answer says whether the call worked, */
const WEB_API_ANSWER = z.object({ ok: z.boolean() });
/** and then either why not, */
const WEB_API_REFUSAL = z.object({ error: z.string() });
/** or where the message is (chat.postMessage and chat.update alike). */
const WEB_API_MESSAGE = z.object({ channel: z.string(), ts: z.string() });

/** What a webhook answers when it took the message (Slack and Mattermost alike). */
export const WEBHOOK_ACCEPTED = 'ok';

/** Throws UnexpectedAnswer unless `text` is a Web API answer of the documented shape. */
export function checkWebApiAnswer(answered: string, text: string, redactor: Redactor): void {
  const { ok } = parseAnswer(WEB_API_ANSWER, { answered, text }, redactor);
  parseAnswer(ok ? WEB_API_MESSAGE : WEB_API_REFUSAL, { answered, text }, redactor);
}
