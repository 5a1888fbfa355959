// put: build the message, post it once per channel (or reply/update in a thread), report.
import {
  ConfigError,
  REDACTED,
  RemoteError,
  type MetadataField,
  type Redactor,
  type OutContext,
  type VersionResult,
} from '@hangar/resource-sdk';
import { mapStrings, planMessage, type MessageContent, type MessagePlan } from './message.js';
import { webApiSender, webhookBody, webhookSender, type Posted, type Sender } from './send.js';
import { isOn, type PutParams, type Source } from './source.js';
import { createFetch } from './transport.js';

export const DEFAULT_API_URL = 'https://slack.com/api/';

/** The reference's stand-in for `source.url` in the request it shows as `payload` metadata. */
const REFERENCE_REDACTED = '***REDACTED***';

/** Where messages go, as printed: the webhook's origin, never its secret path, query or userinfo. */
function endpointLabel(source: Source, redactor: Redactor): string {
  if (source.token) return redactor.redact(source.api_url ?? DEFAULT_API_URL);
  if (!source.url) return '';
  const url = new URL(source.url);
  const secretPart = url.pathname !== '/' || url.search || url.hash || url.username || url.password;
  return secretPart ? `${url.origin}/${REDACTED}` : url.origin;
}

/** The request as sent, secrets redacted and `source.url` replaced as the reference replaces it. */
function requestShown(
  request: NonNullable<OutContext<Source, PutParams>['request']>,
  redactor: Redactor,
): string {
  const redact = (value: unknown) =>
    mapStrings(value, (text) => redactor.redact(text)) as Record<string, unknown>;
  const source = redact(request.source);
  if (source['url'] !== undefined) source['url'] = REFERENCE_REDACTED;
  return JSON.stringify({ source, params: redact(request.params) });
}

function checkSource(source: Source, params: PutParams): void {
  if (source.url && source.token)
    throw new ConfigError('source.url and source.token: set only one (webhook or bot token)');
  if (!source.url && !source.token)
    throw new ConfigError("source: set 'url' (an incoming webhook) or 'token' (a bot token)");
  if (source.url) {
    for (const key of ['thread_ts', 'thread_file', 'update', 'reply_broadcast'] as const)
      if (params[key] !== undefined && params[key] !== false && params[key] !== 'false')
        throw new ConfigError(`params.${key} needs source.token: incoming webhooks cannot thread or update`);
  }
  if (source.token && params.icon_url !== undefined && params.icon_emoji !== undefined)
    throw new ConfigError('params.icon_url and params.icon_emoji: Slack takes only one with a token');
}

interface Target {
  channel: string | undefined;
  label: string;
}

function targets(source: Source, params: PutParams, plan: MessagePlan): Target[] {
  const label = (channel: string | undefined) => channel ?? 'the default channel';
  if (!source.token) return plan.channels.map((channel) => ({ channel, label: label(channel) }));
  if (plan.thread) {
    const channel = plan.thread.channel ?? plan.channels[0] ?? source.channel;
    if (!channel) throw new ConfigError('params.channel: the thread file has no channel, so name one');
    return [{ channel, label: channel }];
  }
  if (isOn(params.update))
    throw new ConfigError('params.update needs params.thread_ts or params.thread_file');
  return plan.channels.map((channel) => {
    const chosen = channel ?? source.channel;
    if (!chosen) throw new ConfigError('params.channel or source.channel is required with source.token');
    return { channel: chosen, label: chosen };
  });
}

function requestBody(
  source: Source,
  content: MessageContent,
  target: Target,
  plan: MessagePlan,
  params: PutParams,
): object {
  if (!source.token) return webhookBody(content, target.channel);
  return {
    ...content,
    ...(target.channel ? { channel: target.channel } : {}),
    ...(plan.thread && !isOn(params.update) ? { thread_ts: plan.thread.ts } : {}),
    ...(plan.thread && isOn(params.update) ? { ts: plan.thread.ts } : {}),
  };
}

export async function out({
  source,
  params,
  sources,
  env,
  build,
  log,
  redactor,
  signal,
  request,
}: OutContext<Source, PutParams>): Promise<VersionResult> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const silent = isOn(params.silent);
  const info = (message: string) => {
    if (!silent) log.info(message);
  };
  if (isOn(source.disable)) {
    info('source.disable is set: nothing sent');
    return { version: { timestamp } };
  }
  checkSource(source, params);
  if (source.url) {
    // The path of a webhook URL is its secret, wherever a library might quote it alone.
    redactor.add(new URL(source.url).pathname);
  }
  if (params.redact_hook_url === false)
    info('params.redact_hook_url: false is ignored; the webhook URL is always redacted');

  if (isOn(params.payload_in_metadata) && !isOn(params.metadata))
    log.warn('params.payload_in_metadata is ignored without params.metadata, as in the reference');

  const plan = await planMessage({ params, sources, env, build, warn: (message) => log.warn(message) });
  const version: Record<string, string> = { timestamp };
  const debug = isOn(params.debug);
  let lastBody: object | undefined;

  if (plan.skip) {
    info(`nothing sent: ${plan.skip}`);
  } else {
    const list = targets(source, params, plan);
    const sender = debug ? undefined : createSender(source, log, redactor, signal);
    const posted: Posted[] = [];
    const failures: string[] = [];
    for (const target of list) {
      lastBody = requestBody(source, plan.content, target, plan, params);
      log.debug(`request body for ${target.label}: ${JSON.stringify(lastBody)}`);
      if (!sender) continue;
      try {
        const result = await send(sender, plan, params, target);
        posted.push(result);
        info(`posted to ${target.label} (${result.summary})`);
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        failures.push(`${target.label}: ${error.message}`);
      }
    }
    if (failures.length)
      throw new RemoteError(
        `${failures.length} of ${list.length} Slack post(s) failed${posted.length ? ` (${posted.length} sent)` : ''}: ${failures.join('; ')}`,
      );
    const first = posted.find((result) => result.ts);
    if (first?.ts && first.channel) Object.assign(version, { channel: first.channel, ts: first.ts });
  }

  // As the reference: `debug` shows the last body it would have posted beside the answer.
  const extra = debug && lastBody ? { webhook_url: endpointLabel(source, redactor), body: lastBody } : {};
  if (!isOn(params.metadata)) return { version, extra };
  const payload = isOn(params.payload_in_metadata) && request ? requestShown(request, redactor) : undefined;
  return { version, metadata: metadataFields(source, params, plan, payload, redactor, version), extra };
}

/** The reference's metadata, in its order; `ts` (token mode) comes last. */
function metadataFields(
  source: Source,
  params: PutParams,
  plan: MessagePlan,
  payload: string | undefined,
  redactor: Redactor,
  version: Record<string, string>,
): MetadataField[] {
  const exists = plan.textFile?.exists === true;
  const fields: [string, string | undefined][] = [
    ['channel', plan.channelsAsGiven],
    ['username', plan.content.username],
    ['text', plan.content.text],
    // The reference forgets the name of a text_file that does not exist.
    ['text_file', exists ? params.text_file : ''],
    ['text_file_exists', exists ? 'Yes' : 'No'],
    ['text_file_content', `${plan.textFileContent}\n`],
  ];
  return [
    { name: 'url', value: endpointLabel(source, redactor) },
    ...fields.map(([name, value]) => ({ name, value: redactor.redact(value ?? '') })),
    ...(payload === undefined ? [] : [{ name: 'payload', value: payload }]),
    ...(version['ts'] ? [{ name: 'ts', value: version['ts'] }] : []),
  ];
}

function createSender(
  source: Source,
  log: OutContext<Source, PutParams>['log'],
  redactor: Redactor,
  signal: AbortSignal,
): Sender {
  const options = {
    fetch: createFetch({
      insecure: isOn(source.insecure),
      caCerts: (source.ca_certs ?? []).map((entry) => entry.cert),
      proxy: source.proxy,
      proxyTunnel: isOn(source.proxy_https_tunnel),
    }),
    retries: source.retries ?? 3,
    timeoutMs: (source.timeout ?? 30) * 1000,
    log,
    redactor,
    signal,
  };
  return source.token
    ? webApiSender(source.token, source.api_url ?? DEFAULT_API_URL, options)
    : webhookSender(source.url ?? '', options);
}

function send(sender: Sender, plan: MessagePlan, params: PutParams, target: Target): Promise<Posted> {
  if (plan.thread && isOn(params.update))
    return sender.update(plan.content, target.channel ?? '', plan.thread.ts);
  const thread = plan.thread ? { ...plan.thread, broadcast: isOn(params.reply_broadcast) } : undefined;
  return sender.post(plan.content, target.channel, thread);
}
