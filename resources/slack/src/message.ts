// Turns put params, the files they name and the build's metadata into the message to send.
// Every variable is substituted as data ($VAR / ${VAR}); nothing is ever handed to a shell.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, interpolateBuildVariables, isInside, type BuildMetadata } from '@hangar/resource-sdk';
import { isOn, type AlertType, type PutParams } from './source.js';

type Env = Readonly<Record<string, string | undefined>>;
type Json = Record<string, unknown>;

/** A variable that is neither build metadata nor given: empty, as envsubst makes an unset one. */
const unset = (): string => '';

/** Placeholders kept from the bash resource, so existing channels read the same. */
export const NO_NOTIFICATION = '_(no notification provided)_';
export const MISSING_TEXT = '_(missing notification text)_';

export interface MessageContent {
  text?: string;
  attachments?: Json[];
  blocks?: Json[];
  username?: string;
  icon_url?: string;
  icon_emoji?: string;
  link_names?: boolean;
}

export interface TextFile {
  path: string;
  exists: boolean;
  content: string;
}

export interface Thread {
  ts: string;
  channel?: string;
}

export interface MessagePlan {
  /** Why nothing is sent, when nothing is. */
  skip?: string;
  content: MessageContent;
  /** One post per entry; `undefined` is the webhook's (or source's) default channel. */
  channels: (string | undefined)[];
  /** The channel list as the reference shows it in metadata: `channel` (or `null`), then `channel_file`. */
  channelsAsGiven: string;
  textFile?: TextFile;
  /** What `$TEXT_FILE_CONTENT` stood for: the file's content, or the placeholder. */
  textFileContent: string;
  thread?: Thread;
}

const ALERTS: Record<Exclude<AlertType, 'auto'>, { color: string; title: string }> = {
  default: { color: '#35495c', title: 'Build' },
  success: { color: '#32cd32', title: 'Success' },
  failed: { color: '#d00000', title: 'Failed' },
  errored: { color: '#f5a623', title: 'Errored' },
  aborted: { color: '#8d4b32', title: 'Aborted' },
  started: { color: '#f7cd42', title: 'Started' },
  fixed: { color: '#32cd32', title: 'Fixed' },
  broke: { color: '#d00000', title: 'Broken' },
};

const STATUS_ALERTS: Record<string, Exclude<AlertType, 'auto'>> = {
  succeeded: 'success',
  failed: 'failed',
  errored: 'errored',
  aborted: 'aborted',
};

interface Inputs {
  params: PutParams;
  sources: string;
  env: Env;
  build: BuildMetadata;
  warn: (message: string) => void;
}

export async function planMessage({ params, sources, env, build, warn }: Inputs): Promise<MessagePlan> {
  const variables: Record<string, string> = params.env_file
    ? await readEnvFile(sources, params.env_file, env, warn)
    : {};
  const expand = (text: string) => interpolateBuildVariables(text, env, { variables, unknown: unset });

  const textFile = params.text_file ? await readTextFile(sources, params.text_file, expand) : undefined;
  const channels = await channelList(sources, params, expand, warn);
  if (textFile?.exists && textFile.content === '' && !isOn(params.always_notify)) {
    return {
      skip: `${params.text_file} is empty and always_notify is off`,
      content: {},
      ...channels,
      channels: [],
      textFile,
      textFileContent: '',
    };
  }

  // Attachments and blocks see the text file as written (fixes the bash resource's #25/#38).
  const expandRich = (text: string) =>
    interpolateBuildVariables(text, env, {
      variables: { ...variables, TEXT_FILE_CONTENT: textFile?.content ?? '' },
      unknown: unset,
    });
  const attachments = await jsonList(sources, params, 'attachments', expandRich, warn);
  const blocks = await jsonList(sources, params, 'blocks', expandRich, warn);
  const alert = params.alert_type ? alertAttachment(params.alert_type, build, warn) : undefined;
  const allAttachments = alert ? [alert, ...(attachments ?? [])] : attachments;
  const rich = Boolean(allAttachments?.length || blocks?.length);

  let textFileContent = textFile?.content ?? '';
  if (textFileContent === '' && !rich) textFileContent = NO_NOTIFICATION;
  const text = interpolateBuildVariables(params.text ?? '$TEXT_FILE_CONTENT', env, {
    variables: { ...variables, TEXT_FILE_CONTENT: textFileContent },
    unknown: unset,
  }).replace(/\n+$/, '');

  // The reference's text always ends with exactly one newline (`$(envsubst …)`, then `jq -R -s`).
  const content: MessageContent = {};
  if (text !== '') content.text = `${text}\n`;
  else if (!rich) {
    warn(`the text is empty: '${MISSING_TEXT}' is sent (the reference sends no text, which Slack refuses)`);
    content.text = `${MISSING_TEXT}\n`;
  }
  if (allAttachments?.length) content.attachments = allAttachments;
  if (blocks?.length) content.blocks = blocks;
  for (const key of ['username', 'icon_url', 'icon_emoji'] as const) {
    const value = params[key];
    // The reference's `jq -r … // null` makes the text "null" unset as well.
    if (value !== undefined && value !== 'null') content[key] = expand(value);
  }
  if (isOn(params.link_names)) content.link_names = true;

  const thread = await readThread(sources, params);
  return {
    content,
    ...channels,
    textFileContent,
    ...(textFile ? { textFile } : {}),
    ...(thread ? { thread } : {}),
  };
}

/**
 * A file named by a param, under the put's directory. Relative and absolute paths are read as the
 * reference's `cd $1` reads them, but not a file outside that directory: its content would be
 * posted to Slack, and on hangar's host runtime that could be any of the operator's files.
 */
function sourcePath(sources: string, path: string, field: string): string {
  const file = resolve(sources, path);
  if (!isInside(sources, file))
    throw new ConfigError(
      `params.${field}: '${path}' is outside the put's directory; only files under it are read`,
    );
  return file;
}

async function readFileIn(sources: string, path: string, field: string): Promise<string | undefined> {
  const file = sourcePath(sources, path, field);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`params.${field}: cannot read '${path}'`, { cause: error });
  }
}

async function requireFile(sources: string, path: string, field: string): Promise<string> {
  const text = await readFileIn(sources, path, field);
  if (text === undefined) throw new ConfigError(`params.${field}: '${path}' does not exist`);
  return text;
}

/** A file the reference reads only if it exists (`[[ -f … ]]`): missing is a warning, not an error. */
async function optionalFile(
  sources: string,
  path: string,
  field: string,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const text = await readFileIn(sources, path, field);
  if (text === undefined) warn(`params.${field}: '${path}' does not exist: ignored`);
  return text;
}

/** `KEY=value` lines (an `export ` prefix, quotes and `#` comments allowed); values are data. */
async function readEnvFile(
  sources: string,
  path: string,
  env: Env,
  warn: (message: string) => void,
): Promise<Record<string, string>> {
  const text = (await optionalFile(sources, path, 'env_file', warn)) ?? '';
  const variables: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) {
      // The reference's sed keeps only KEY=value lines; any other line is skipped.
      warn(`params.env_file: line ${index + 1} of '${path}' is not KEY=value: ignored`);
      return;
    }
    const [, key = '', rawValue = ''] = match;
    const quoted = /^(["'])(.*)\1$/.exec(rawValue);
    const value = quoted ? (quoted[2] ?? '') : rawValue;
    // Single quotes keep the value as written; otherwise build variables are expanded, once.
    variables[key] = quoted?.[1] === "'" ? value : interpolateBuildVariables(value, env, { unknown: unset });
  });
  return variables;
}

async function readTextFile(
  sources: string,
  path: string,
  expand: (text: string) => string,
): Promise<TextFile> {
  const text = await readFileIn(sources, path, 'text_file');
  if (text === undefined) return { path, exists: false, content: '' };
  return { path, exists: true, content: expand(text.replace(/\n+$/, '')) };
}

/** `attachments`/`blocks` inline or from `<name>_file`, with variables expanded in string leaves. */
async function jsonList(
  sources: string,
  params: PutParams,
  name: 'attachments' | 'blocks',
  expand: (text: string) => string,
  warn: (message: string) => void,
): Promise<Json[] | undefined> {
  let list: unknown = params[name];
  const file = params[`${name}_file`];
  const text =
    list === undefined && file ? await optionalFile(sources, file, `${name}_file`, warn) : undefined;
  if (file && text !== undefined) {
    try {
      list = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`params.${name}_file: '${file}' is not JSON`, { cause: error });
    }
    if (
      !Array.isArray(list) ||
      !list.every((item) => item && typeof item === 'object' && !Array.isArray(item))
    )
      throw new ConfigError(`params.${name}_file: '${file}' must hold a JSON array of objects`);
  }
  return list === undefined ? undefined : (mapStrings(list, expand) as Json[]);
}

/** `value` with `map` applied to every string inside it. */
export function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  return value;
}

function alertAttachment(type: AlertType, build: BuildMetadata, warn: (message: string) => void): Json {
  let kind: Exclude<AlertType, 'auto'>;
  if (type === 'auto') {
    kind = build.status ? (STATUS_ALERTS[build.status] ?? 'default') : 'default';
    if (!build.status)
      warn('alert_type auto: BUILD_STATUS is not set (only on_success/on_failure/on_error/on_abort set it)');
  } else kind = type;
  const { color, title } = ALERTS[kind];
  const job = [build.pipelineName, build.jobName].filter(Boolean).join('/');
  const subject = [job, build.name ? `#${build.name}` : ''].filter(Boolean).join(' ');
  const fields = [
    ...(job ? [{ title: 'Job', value: job, short: true }] : []),
    ...(build.name ? [{ title: 'Build', value: build.name, short: true }] : []),
  ];
  const heading = subject ? `${title}: ${subject}` : title;
  return {
    color,
    title: heading,
    ...(build.url ? { title_link: build.url } : {}),
    ...(fields.length ? { fields } : {}),
    fallback: heading,
  };
}

async function channelList(
  sources: string,
  params: PutParams,
  expand: (text: string) => string,
  warn: (message: string) => void,
): Promise<Pick<MessagePlan, 'channels' | 'channelsAsGiven'>> {
  const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter(Boolean);
  const fromFile = params.channel_file
    ? await optionalFile(sources, params.channel_file, 'channel_file', warn)
    : undefined;
  const listed = [...words(params.channel), ...words(fromFile)];
  const given = params.channel ?? 'null';
  const channelsAsGiven = fromFile === undefined ? given : `${given} ${fromFile.replace(/\n+$/, '')}`;
  // "null" is the reference's unset channel: its webhook's default.
  const channels = [
    ...new Set(
      listed
        .filter((word) => word !== 'null')
        .map(expand)
        .filter(Boolean),
    ),
  ];
  return { channels: channels.length ? channels : [undefined], channelsAsGiven };
}

/** A thread from `thread_ts`, or from `thread_file`: this resource's thread.json, its directory, or a bare ts. */
async function readThread(sources: string, params: PutParams): Promise<Thread | undefined> {
  if (params.thread_ts !== undefined && params.thread_file !== undefined)
    throw new ConfigError('params.thread_ts and params.thread_file: set only one');
  if (params.thread_ts !== undefined) {
    if (!params.thread_ts.trim()) throw new ConfigError('params.thread_ts is empty');
    return { ts: params.thread_ts.trim() };
  }
  if (params.thread_file === undefined) return undefined;
  let path = params.thread_file;
  const isDir = await stat(sourcePath(sources, path, 'thread_file')).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (isDir) path = join(path, 'thread.json');
  const text = (await requireFile(sources, path, 'thread_file')).trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`params.thread_file: '${path}' is not valid JSON`, { cause: error });
    }
    const { ts, channel } = (parsed ?? {}) as { ts?: unknown; channel?: unknown };
    if (typeof ts !== 'string' || !ts) throw new ConfigError(`params.thread_file: '${path}' has no "ts"`);
    return typeof channel === 'string' && channel ? { ts, channel } : { ts };
  }
  if (!/^\d+\.\d+$/.test(text))
    throw new ConfigError(`params.thread_file: '${path}' holds neither thread.json nor a message ts`);
  return { ts: text };
}
