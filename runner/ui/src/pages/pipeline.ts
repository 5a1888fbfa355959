// The pipeline page: group tabs over the graph; job colours refresh every second in place, so
// nothing moves and keyboard focus stays where it was.
import { get, pageOfPipeline, pipelinePath, type Graph, type Job, type Pipeline } from '../api.js';
import { h } from '../dom.js';
import { drawGraph, jobClasses } from '../graph.js';
import { every, type Page } from '../main.js';

export async function pipelinePage(page: Page, name: string): Promise<void> {
  page.crumbs([name, undefined]);
  const [pipeline, graph, jobs] = await Promise.all([
    get<Pipeline>(pipelinePath(name)),
    get<Graph>(`${pipelinePath(name)}/graph`),
    get<Job[]>(`${pipelinePath(name)}/jobs`),
  ]);
  const group = page.params.get('group') ?? pipeline.groups[0]?.name;
  if (pipeline.groups.length > 0) {
    page.main.append(
      h(
        'nav',
        { class: 'tabs', 'aria-label': 'groups' },
        ...pipeline.groups.map((g) =>
          h(
            'a',
            {
              href: `${pageOfPipeline(name)}?group=${encodeURIComponent(g.name)}`,
              'aria-current': g.name === group ? 'page' : undefined,
            },
            g.name,
          ),
        ),
      ),
    );
  }
  const byName = (list: Job[]): Map<string, Job> => new Map(list.map((j) => [j.name, j]));
  const drawing = drawGraph(name, graph, byName(jobs), pipeline.groups.length > 0 ? group : undefined);
  page.main.append(h('section', { class: 'graph-wrap' }, drawing));
  await every(1000, page.signal, async () => {
    const fresh = byName(await get<Job[]>(`${pipelinePath(name)}/jobs`));
    for (const node of drawing.querySelectorAll<SVGAElement>('a.node.job')) {
      const cls = `node ${jobClasses(fresh.get(node.dataset.name ?? ''))}`;
      if (node.getAttribute('class') !== cls) node.setAttribute('class', cls);
    }
  });
}
