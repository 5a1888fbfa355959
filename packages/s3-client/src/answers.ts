// Answers are checked before use: a proxy, a captive portal or a broken store that answers
// `200 OK` with HTML, nothing or half a document must fail in one line naming the operation, the
// endpoint, the status and what was wrong, never pass as "an empty bucket" (#24).
import type { S3Client } from '@aws-sdk/client-s3';
import { RemoteError } from '@hangar/resource-sdk';

type Stack = S3Client['middlewareStack'];
type Handler = (args: { request: unknown }) => Promise<{ response: unknown }>;
/** The raw HTTP answer, as the SDK's node handler gives it. */
interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/** The root element each XML answer we read must have (an `Error` document is the SDK's to read). */
const XML_ROOTS: Record<string, string> = {
  ListObjectsV2Command: 'ListBucketResult',
  ListObjectVersionsCommand: 'ListVersionsResult',
  GetBucketVersioningCommand: 'VersioningConfiguration',
  GetObjectTaggingCommand: 'Tagging',
  CreateMultipartUploadCommand: 'InitiateMultipartUploadResult',
  CompleteMultipartUploadCommand: 'CompleteMultipartUploadResult',
};

/** What was asked of whom, and the body that came back, for messages about answers the SDK rejects. */
interface Exchange {
  operation: string;
  endpoint: string;
  body: string;
}
const exchanges = new WeakMap<object, Exchange>();

const SECRET_PAIR =
  /((?:password|passwd|secret|token|signature|credential|session)[\w-]*["']?\s*[=:>]\s*["']?)[^\s"'&<,;]+/gi;

/** The first 200 characters of a body, on one line, with secret-looking values blanked. */
export function bodySnippet(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  const cut = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  return JSON.stringify(cut.replace(SECRET_PAIR, '$1((redacted))'));
}

const operationName = (command: string) => command.replace(/Command$/, '');

async function readBody(response: HttpResponse): Promise<Uint8Array> {
  const body = response.body as AsyncIterable<Uint8Array> | Uint8Array | string | undefined;
  if (body === undefined) return new Uint8Array();
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Why `text` is not the `root` document S3 sends, or undefined when it looks like one. */
function shapeProblem(text: string, root: string, contentType: string | undefined): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return 'an empty body';
  const found = /^(?:<\?xml[^>]*\?>\s*)?<([A-Za-z][\w:.-]*)/.exec(trimmed)?.[1];
  if (!found) return `${contentType ? `${contentType}, ` : ''}not XML`;
  if (found === 'Error') return undefined;
  if (found !== root) return `<${found}> where S3 sends <${root}>`;
  if (!trimmed.endsWith(`</${root}>`) && !/^[^>]*\/>$/.test(trimmed.replace(/^<\?xml[^>]*\?>\s*/, '')))
    return `a truncated <${root}> document`;
  return undefined;
}

const checkAnswers =
  (next: Handler, context: { commandName?: string }) => async (args: { request: unknown }) => {
    const result = await next(args);
    const root = XML_ROOTS[context.commandName ?? ''];
    const response = result.response as HttpResponse;
    if (!root || response.statusCode < 200 || response.statusCode >= 300) return result;
    const bytes = await readBody(response);
    response.body = bytes;
    const request = args.request as { protocol?: string; hostname?: string; port?: number };
    const endpoint = `${request.protocol ?? 'https:'}//${request.hostname ?? '?'}${request.port ? `:${request.port}` : ''}`;
    const exchange = {
      operation: operationName(context.commandName ?? ''),
      endpoint,
      body: Buffer.from(bytes).toString(),
    };
    const problem = shapeProblem(exchange.body, root, response.headers['content-type']);
    if (problem) throw new RemoteError(describeAnswer(exchange, response.statusCode, problem));
    exchanges.set(response, exchange);
    return result;
  };

function describeAnswer(exchange: Exchange, status: number, problem: string): string {
  const body = exchange.body.trim() ? `; body: ${bodySnippet(exchange.body)}` : '';
  return `${exchange.operation} at ${exchange.endpoint} answered HTTP ${status} with ${problem}${body}`;
}

/**
 * For an SDK error raised while reading an answer that passed the shape check (a value of the
 * wrong type, say): the same one-line description, or undefined for any other error.
 */
export function describeUnreadableAnswer(error: Error): string | undefined {
  const response = (error as { $response?: HttpResponse }).$response;
  const exchange = response ? exchanges.get(response) : undefined;
  if (!response || !exchange) return undefined;
  const reason = (error.message.split('\n')[0] ?? '').replace(/^@aws-sdk /, '');
  return describeAnswer(exchange, response.statusCode, `an answer the SDK cannot read (${reason})`);
}

/** The client plugin: every XML answer is checked before the SDK reads it. */
export const answerChecks = {
  applyToStack(stack: Stack) {
    // A deserialize-step middleware; the stack's own type is a union of every step's signature.
    stack.addRelativeTo(checkAnswers as unknown as Parameters<Stack['addRelativeTo']>[0], {
      relation: 'after',
      toMiddleware: 'deserializerMiddleware',
      name: 'hangarAnswerChecks',
    });
  },
};
