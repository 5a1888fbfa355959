// The dashboard (`/`), like Concourse's: one card per pipeline with its jobs as boxes coloured by
// their latest build (yellow border while one runs), refreshed every second in place.
import { get, pageOfJob, pageOfPipeline, pipelinePath, type Job, type Pipeline } from '../api.js';
import { fill, h } from '../dom.js';
import { jobClasses } from '../graph.js';
import { every, type Page } from '../main.js';

function jobBox(job: Job): HTMLAnchorElement {
  const status = job.next_build?.status === 'started' ? 'running' : (job.finished_build?.status ?? 'no builds');
  return h('a', {
    class: `job-box ${jobClasses(job)}`,
    href: pageOfJob(job.pipeline_name, job.name),
    title: `${job.name}: ${status}`,
    'aria-label': `job ${job.name}: ${status}`,
    'data-name': job.name,
  });
}

function card(pipeline: Pipeline, jobs: Job[]): HTMLElement {
  const state = pipeline.archived ? 'archived' : pipeline.paused ? 'paused' : undefined;
  return h(
    'li',
    { class: `pipeline-card${state ? ` ${state}` : ''}`, 'data-name': pipeline.name },
    h(
      'h2',
      {},
      h('a', { href: pageOfPipeline(pipeline.name) }, pipeline.name),
      state ? h('span', { class: 'badge' }, state) : null,
    ),
    h('div', { class: 'job-boxes' }, ...jobs.map(jobBox)),
  );
}

export async function dashboardPage(page: Page): Promise<void> {
  page.crumbs(['pipelines', undefined]);
  const list = h('ul', { class: 'dashboard', 'aria-label': 'pipelines' });
  page.main.append(list);
  await every(1000, page.signal, async () => {
    const pipelines = await get<Pipeline[]>('/api/v1/pipelines');
    const jobs = await Promise.all(pipelines.map((p) => get<Job[]>(`${pipelinePath(p.name)}/jobs`)));
    if (pipelines.length === 0)
      return fill(list, h('li', { class: 'empty' }, 'no pipelines yet: hangar run PIPELINE or fly set-pipeline sets one'));
    fill(list, ...pipelines.map((p, i) => card(p, jobs[i] ?? [])));
  });
}
