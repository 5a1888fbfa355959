// A job's page: its inputs and outputs, a trigger button, and its builds (newest first).
import {
  act,
  get,
  pageOfBuild,
  pageOfPipeline,
  pageOfResource,
  pipelinePath,
  type Build,
  type Job,
} from '../api.js';
import { ago, duration, h, statusClass } from '../dom.js';
import { every, navigate, type Page } from '../main.js';

export async function jobPage(page: Page, pipeline: string, name: string): Promise<void> {
  page.crumbs([pipeline, pageOfPipeline(pipeline)], [name, undefined]);
  const path = `${pipelinePath(pipeline)}/jobs/${encodeURIComponent(name)}`;
  const job = await get<Job>(path);
  const trigger = h(
    'button',
    {
      class: 'action',
      type: 'button',
      disabled: job.disable_manual_trigger === true,
      onclick: () => {
        trigger.disabled = true;
        act<Build>('POST', `${path}/builds`)
          .then((b) => b && navigate(pageOfBuild(b)))
          .catch((err: unknown) => page.notice(err))
          .finally(() => (trigger.disabled = false));
      },
    },
    'trigger build',
  );
  const title = h('h1', { class: `title ${statusClass(job.finished_build?.status)}` }, name);
  const list = h('ol', { class: 'builds', 'aria-label': 'builds' });
  page.main.append(
    h('div', { class: 'heading' }, title, trigger),
    h(
      'p',
      { class: 'io' },
      ...job.inputs.map((i) =>
        h(
          'a',
          {
            class: `chip ${i.trigger ? 'trigger' : 'no-trigger'}`,
            href: pageOfResource(pipeline, i.resource),
          },
          `get ${i.name}`,
        ),
      ),
      ...job.outputs.map((o) =>
        h('a', { class: 'chip', href: pageOfResource(pipeline, o.resource) }, `put ${o.name}`),
      ),
    ),
    list,
  );
  await every(1000, page.signal, async () => {
    const builds = await get<Build[]>(`${path}/builds?limit=50`);
    title.className = `title ${statusClass(builds.find((b) => b.status !== 'started' && b.status !== 'pending')?.status)}`;
    list.replaceChildren(
      ...builds.map((b) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: pageOfBuild(b), class: `build ${statusClass(b.status)}`, 'data-build': b.name },
            h('span', { class: 'num' }, `#${b.name}`),
            h('span', { class: 'state' }, b.status),
            h('span', { class: 'when' }, ago(b.start_time)),
            h('span', { class: 'took' }, duration(b.start_time, b.end_time)),
          ),
        ),
      ),
    );
    if (builds.length === 0) list.append(h('li', { class: 'empty' }, 'no builds yet'));
  });
}
