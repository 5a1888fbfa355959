// The dashboard (`/`), like Concourse's: one card per pipeline with its jobs as boxes coloured by
// their latest build (yellow border while one runs, blue when paused); archived pipelines are
// left out. Refreshed every second: in place while the pipelines and jobs stay the same, so
// keyboard focus stays where it was.
import { get, pageOfJob, pageOfPipeline, pipelinePath, type Job, type Pipeline } from '../api.js';
import { fill, h } from '../dom.js';
import { jobClasses } from '../graph.js';
import { every, type Page } from '../main.js';

const jobState = (job: Job): { cls: string; label: string } => ({
  cls: `job-box ${jobClasses(job)}${job.paused ? ' paused' : ''}`,
  label: `job ${job.name}: ${
    job.paused
      ? 'paused'
      : job.next_build?.status === 'started'
        ? 'running'
        : (job.finished_build?.status ?? 'no builds')
  }`,
});

const cardClass = (p: Pipeline): string => `pipeline-card${p.paused ? ' paused' : ''}`;

function jobBox(job: Job): HTMLAnchorElement {
  const { cls, label } = jobState(job);
  return h('a', {
    class: cls,
    href: pageOfJob(job.pipeline_name, job.name),
    title: label,
    'aria-label': label,
    'data-name': job.name,
  });
}

function card(pipeline: Pipeline, jobs: Job[]): HTMLElement {
  return h(
    'li',
    { class: cardClass(pipeline), 'data-name': pipeline.name },
    h(
      'h2',
      {},
      h('a', { href: pageOfPipeline(pipeline.name) }, pipeline.name),
      h('span', { class: 'badge' }, pipeline.paused ? 'paused' : ''),
    ),
    h('div', { class: 'job-boxes' }, ...jobs.map(jobBox)),
  );
}

/** Updates the cards' classes and labels; false when the cards no longer match the pipelines. */
function update(list: HTMLElement, pipelines: Pipeline[], jobs: Job[][]): boolean {
  const cards = [...list.querySelectorAll<HTMLElement>('li.pipeline-card')];
  const same =
    cards.length === pipelines.length &&
    pipelines.every((p, i) => {
      const boxes = [...(cards[i]?.querySelectorAll<HTMLElement>('a.job-box') ?? [])];
      return (
        cards[i]?.dataset.name === p.name &&
        boxes.length === (jobs[i] ?? []).length &&
        boxes.every((b, j) => b.dataset.name === jobs[i]?.[j]?.name)
      );
    });
  if (!same) return false;
  pipelines.forEach((p, i) => {
    const c = cards[i]!;
    if (c.className !== cardClass(p)) c.className = cardClass(p);
    c.querySelector('.badge')!.textContent = p.paused ? 'paused' : '';
    c.querySelectorAll<HTMLElement>('a.job-box').forEach((box, j) => {
      const { cls, label } = jobState(jobs[i]![j]!);
      if (box.className !== cls) box.className = cls;
      box.title = label;
      box.setAttribute('aria-label', label);
    });
  });
  return true;
}

export async function dashboardPage(page: Page): Promise<void> {
  page.crumbs(['pipelines', undefined]);
  const list = h('ul', { class: 'dashboard', 'aria-label': 'pipelines' });
  page.main.append(list);
  await every(1000, page.signal, async () => {
    const pipelines = (await get<Pipeline[]>('/api/v1/pipelines')).filter((p) => !p.archived);
    const jobs = await Promise.all(pipelines.map((p) => get<Job[]>(`${pipelinePath(p.name)}/jobs`)));
    if (pipelines.length === 0)
      return fill(
        list,
        h('li', { class: 'empty' }, 'no pipelines yet: hangar run PIPELINE or fly set-pipeline sets one'),
      );
    if (!update(list, pipelines, jobs)) fill(list, ...pipelines.map((p, i) => card(p, jobs[i] ?? [])));
  });
}
