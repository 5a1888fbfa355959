// The pipeline graph, laid out left to right by dagre: resources feed jobs, `passed` links jobs,
// puts feed resources. Solid edges trigger, dashed ones do not; jobs take their build's colour.
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { pageOfJob, pageOfResource, type Graph, type Job } from './api.js';
import { statusClass, svg } from './dom.js';

const key = (n: { kind: string; name: string }): string => `${n.kind}:${n.name}`;
const charWidth = 9;

/** The job's class: its latest finished status, plus `running`/`pending` for a next build. */
export function jobClasses(job: Job | undefined): string {
  const finished = job?.finished_build?.status;
  const next = job?.next_build?.status;
  return [
    'job',
    statusClass(finished),
    next === 'started' ? 'running' : '',
    next === 'pending' ? 'pending' : '',
  ].join(' ');
}

export function drawGraph(
  pipeline: string,
  graph: Graph,
  jobs: Map<string, Job>,
  group: string | undefined,
): SVGElement {
  const shownJobs = new Set(
    graph.nodes.filter((n) => n.kind === 'job' && (group === undefined || n.groups.includes(group))).map(key),
  );
  const edges = graph.edges.filter((e) => shownJobs.has(key(e.from)) || shownJobs.has(key(e.to)));
  const shown = new Set([...shownJobs, ...edges.flatMap((e) => [key(e.from), key(e.to)])]);
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    if (!shown.has(key(n))) continue;
    const job = n.kind === 'job';
    g.setNode(key(n), { width: n.name.length * charWidth + (job ? 40 : 28), height: job ? 48 : 30 });
  }
  // one line per pair of nodes; it is solid when any of its gets triggers
  const pairs = new Map<string, { from: string; to: string; trigger: boolean }>();
  for (const e of edges) {
    const id = `${key(e.from)}>${key(e.to)}`;
    const trigger = e.kind === 'put' || e.trigger;
    const seen = pairs.get(id);
    if (seen) seen.trigger ||= trigger;
    else pairs.set(id, { from: key(e.from), to: key(e.to), trigger });
  }
  for (const p of pairs.values()) g.setEdge(p.from, p.to);
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const root = svg('svg', {
    class: 'graph',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `pipeline ${pipeline}`,
  });
  // small pipelines are drawn larger, up to twice their size, to be read from across a room
  root.style.width = `min(100%, ${Math.round(width * 2)}px)`;
  for (const p of pairs.values()) {
    const points = g.edge(p.from, p.to).points ?? [];
    const d = points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(' ');
    root.append(
      svg('path', {
        class: `edge ${p.trigger ? 'trigger' : 'no-trigger'}`,
        d,
        'data-edge': `${p.from}>${p.to}`,
      }),
    );
  }
  for (const n of graph.nodes) {
    if (!shown.has(key(n))) continue;
    const box = g.node(key(n));
    const cx = box.x ?? 0;
    const cy = box.y ?? 0;
    const x = cx - box.width / 2;
    const y = cy - box.height / 2;
    const href = n.kind === 'job' ? pageOfJob(pipeline, n.name) : pageOfResource(pipeline, n.name);
    const cls = n.kind === 'job' ? jobClasses(jobs.get(n.name)) : 'resource';
    root.append(
      svg(
        'a',
        { href, class: `node ${cls}`, 'data-name': n.name, 'aria-label': `${n.kind} ${n.name}` },
        svg('rect', { x, y, width: box.width, height: box.height, rx: n.kind === 'job' ? 3 : 15 }),
        svg('text', { x: cx, y: cy, 'dominant-baseline': 'central', 'text-anchor': 'middle' }, n.name),
      ),
    );
  }
  return root;
}
