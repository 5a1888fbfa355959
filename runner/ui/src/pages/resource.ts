// A resource's page: check status (and error), a check button, the pin, and its versions with
// their metadata, newest first.
import { act, get, pageOfPipeline, pipelinePath, type Resource, type Version } from '../api.js';
import { ago, fill, h } from '../dom.js';
import { every, type Page } from '../main.js';

const versionText = (v: Record<string, string>): string =>
  Object.entries(v)
    .map(([k, x]) => `${k}: ${x}`)
    .join(', ');

export async function resourcePage(page: Page, pipeline: string, name: string): Promise<void> {
  page.crumbs([pipeline, pageOfPipeline(pipeline)], [name, undefined]);
  const path = `${pipelinePath(pipeline)}/resources/${encodeURIComponent(name)}`;
  const run = (method: 'POST' | 'PUT', url: string) => (): void =>
    void act(method, url)
      .then(refresh)
      .catch((err: unknown) => page.notice(err));
  const status = h('p', { class: 'check' });
  const pin = h('p', { class: 'pin' });
  const list = h('ol', { class: 'versions', 'aria-label': 'versions' });
  const title = h('h1', { class: 'title resource-title' }, name);
  page.main.append(
    h(
      'div',
      { class: 'heading' },
      title,
      h('button', { class: 'action', type: 'button', onclick: run('POST', `${path}/check`) }, 'check now'),
    ),
    status,
    pin,
    list,
  );
  async function refresh(): Promise<void> {
    const [resource, versions] = await Promise.all([get<Resource>(path), get<Version[]>(`${path}/versions`)]);
    title.dataset.type = resource.type;
    status.className = `check status-${resource.build?.status ?? 'none'}`;
    fill(
      status,
      resource.last_checked === undefined
        ? 'never checked'
        : `checked ${ago(resource.last_checked)}: ${resource.build?.status ?? ''}`,
      resource.check_error ? h('pre', { class: 'error' }, resource.check_error) : null,
    );
    fill(
      pin,
      ...(resource.pinned_version
        ? [
            `pinned to ${versionText(resource.pinned_version)}${resource.pinned_in_config ? ' in the pipeline config' : ''} `,
            resource.pinned_in_config
              ? null
              : h('button', { type: 'button', onclick: run('PUT', `${path}/unpin`) }, 'unpin'),
          ]
        : []),
    );
    fill(
      list,
      ...versions.map((v) =>
        h(
          'li',
          { class: v.pinned ? 'version pinned' : 'version', 'data-version': String(v.id) },
          h('code', {}, versionText(v.version)),
          resource.pinned_in_config
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  onclick: run('PUT', `${path}/versions/${v.id}/pin`),
                  'aria-label': `pin ${versionText(v.version)}`,
                },
                v.pinned ? 'pinned' : 'pin',
              ),
          v.metadata.length > 0
            ? h('dl', {}, ...v.metadata.flatMap((m) => [h('dt', {}, m.name), h('dd', {}, m.value)]))
            : null,
        ),
      ),
    );
    if (versions.length === 0) list.append(h('li', { class: 'empty' }, 'no versions yet'));
  }
  await every(2000, page.signal, refresh);
}
