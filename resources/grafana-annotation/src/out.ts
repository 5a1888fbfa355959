// put: create an annotation (POST) or, with `path`, end it now and make it a region (PATCH).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError,
  RemoteError,
  type OutContext,
  type VersionResult,
  writeFileAtomic,
} from '@hangar/resource-sdk';
import { grafanaClient, type AnnotationBody } from './grafana.js';
import { isOn, type PutParams, type Source } from './source.js';
import { DEFAULT_TEMPLATE, renderTemplate } from './template.js';

/** The version emitted when creation failed and fail_on_error is off: an update of it is skipped. */
export const NO_ANNOTATION = 'none';

const sortedUnion = (...lists: (readonly string[] | undefined)[]): string[] =>
  [...new Set(lists.flatMap((list) => list ?? []))].sort();

/**
 * `path` is the directory an earlier get of this resource wrote (holding `id`), or the file itself.
 * It is joined onto the put's directory as the reference's `path.Join` does: `/tmp` means
 * `<sources>/tmp`, and `..` is followed (a task of the same pipeline can read those files anyway).
 */
async function readId(sources: string, path: string): Promise<string> {
  let file = join(sources, path);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new ConfigError(`params.path: '${path}' does not exist`);
  if (info.isDirectory()) file = join(file, 'id');
  const id = (await readFile(file, 'utf8').catch(() => undefined))?.trim();
  if (id === undefined) throw new ConfigError(`params.path: '${path}' has no id file`);
  if (id !== NO_ANNOTATION && !/^\d+$/.test(id))
    throw new ConfigError(`params.path: '${path}' holds '${id.slice(0, 40)}', not an annotation id`);
  return id;
}

export async function out({
  source,
  params,
  sources,
  env,
  log,
  redactor,
  signal,
}: OutContext<Source, PutParams>): Promise<VersionResult> {
  // The source is checked first, as the reference does.
  const client = grafanaClient(source, log, redactor, signal);
  const failOnError = isOn(params.fail_on_error ?? source.fail_on_error, true);
  const strict = isOn(params.strict ?? source.strict);
  const variables = { ...source.env, ...params.env };
  const text = renderTemplate(params.template ?? DEFAULT_TEMPLATE, variables, env, strict, (message) =>
    log.warn(message),
  );
  const configured = sortedUnion(source.tags, params.tags);
  // Whole seconds in milliseconds, as the reference sends them.
  const now = Math.floor(Date.now() / 1000) * 1000;

  const result = (id: string, tags: string[]): VersionResult => ({
    version: { id },
    metadata: [
      { name: 'id', value: id },
      { name: 'tags', value: tags.join(', ') },
      { name: 'text', value: redactor.redact(text) },
    ],
  });
  const tolerate = (error: unknown, id: string): VersionResult => {
    if (failOnError || !(error instanceof RemoteError)) throw error;
    log.warn(`annotation not written (fail_on_error is false): ${error.message}`);
    return result(id, configured);
  };

  if (params.path === undefined) {
    const body: AnnotationBody = { time: now, tags: configured, text };
    const dashboardUID = params.dashboard_uid ?? source.dashboard_uid;
    const panelId = params.panel_id ?? source.panel_id;
    if (dashboardUID) body.dashboardUID = dashboardUID;
    if (panelId !== undefined) body.panelId = panelId;
    try {
      const id = String(await client.create(body));
      log.info(`created annotation ${id}${dashboardUID ? ` on dashboard ${dashboardUID}` : ''}`);
      // The reference also leaves the id in the put's directory.
      await writeFileAtomic(join(sources, 'id'), id);
      return result(id, configured);
    } catch (error) {
      return tolerate(error, NO_ANNOTATION);
    }
  }

  if (params.dashboard_uid !== undefined || params.panel_id !== undefined)
    log.warn('params.dashboard_uid/panel_id apply when creating; an update keeps the annotation where it is');
  const id = await readId(sources, params.path);
  if (id === NO_ANNOTATION) {
    const message = `params.path: '${params.path}' records no annotation (its create failed with fail_on_error false)`;
    if (failOnError) throw new ConfigError(message);
    log.warn(`nothing to update: ${message}`);
    return result(NO_ANNOTATION, configured);
  }
  try {
    const body: AnnotationBody = { timeEnd: now, text };
    let tags: string[] | undefined;
    if (isOn(params.replace_tags)) tags = configured;
    else if (params.tags?.length) {
      const existing = await client.tags(id);
      if (!existing) log.warn(`cannot read annotation ${id}'s tags; setting the configured tags`);
      tags = sortedUnion(existing, configured);
    }
    if (tags) body.tags = tags;
    await client.patch(id, body);
    log.info(`annotation ${id} now ends at ${new Date(now).toISOString()}`);
    return result(id, tags ?? configured);
  } catch (error) {
    return tolerate(error, id);
  }
}
