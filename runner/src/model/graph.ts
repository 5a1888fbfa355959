// The pipeline graph Concourse's UI draws: resources feed the jobs that get them (solid when the
// get triggers, dashed otherwise); a get with `passed` is fed by the upstream jobs instead; jobs
// feed the resources they put.
import { compileGobwas, compilePathMatch } from './glob.js';
import { jobInputs, jobOutputs } from './parse.js';
import type { Pipeline } from './types.js';

export type GraphNode =
  { kind: 'job'; name: string; groups: string[] } | { kind: 'resource'; name: string; type: string };

export interface GraphEdge {
  from: { kind: 'job' | 'resource'; name: string };
  to: { kind: 'job' | 'resource'; name: string };
  /** get: resource -> job; put: job -> resource; passed: upstream job -> job, carrying `resource`. */
  kind: 'get' | 'put' | 'passed';
  resource: string;
  trigger: boolean;
}

export interface PipelineGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function pipelineGraph(p: Pipeline): PipelineGraph {
  const jobNames = p.jobs.map((j) => j.name);
  const groupsOf = (job: string): string[] =>
    p.groups
      .filter(({ config: g }) =>
        (Array.isArray(g.jobs) ? g.jobs : []).some((pattern) => compileGobwas(pattern)?.(job) ?? false),
      )
      .map(({ config: g }) => g.name);
  const nodes: GraphNode[] = [
    ...p.resources.map(({ config: r }) => ({ kind: 'resource' as const, name: r.name, type: r.type })),
    ...jobNames.map((name) => ({ kind: 'job' as const, name, groups: groupsOf(name) })),
  ];
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (edge: GraphEdge): void => {
    const key = JSON.stringify([edge.from, edge.to, edge.kind, edge.resource]);
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(edge);
  };
  for (const job of p.jobs) {
    for (const get of jobInputs(job)) {
      const upstream = get.passed.flatMap((pattern) => {
        const match = compilePathMatch(pattern);
        return match ? jobNames.filter((n) => match(n)) : [];
      });
      if (upstream.length === 0) {
        add({
          from: { kind: 'resource', name: get.resource },
          to: { kind: 'job', name: job.name },
          kind: 'get',
          resource: get.resource,
          trigger: get.trigger,
        });
      }
      for (const up of upstream) {
        add({
          from: { kind: 'job', name: up },
          to: { kind: 'job', name: job.name },
          kind: 'passed',
          resource: get.resource,
          trigger: get.trigger,
        });
      }
    }
    for (const put of jobOutputs(job)) {
      add({
        from: { kind: 'job', name: job.name },
        to: { kind: 'resource', name: put.resource },
        kind: 'put',
        resource: put.resource,
        trigger: false,
      });
    }
  }
  return { nodes, edges };
}

const dotId = (kind: string, name: string): string => JSON.stringify(`${kind}:${name}`);

export function graphToDot(g: PipelineGraph): string {
  const lines = ['digraph pipeline {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const n of g.nodes) {
    const shape = n.kind === 'job' ? 'box' : 'ellipse';
    lines.push(`  ${dotId(n.kind, n.name)} [label=${JSON.stringify(n.name)} shape=${shape}];`);
  }
  for (const e of g.edges) {
    const attrs = [`style=${e.trigger || e.kind === 'put' ? 'solid' : 'dashed'}`];
    if (e.kind === 'passed') attrs.push(`label=${JSON.stringify(e.resource)}`);
    lines.push(
      `  ${dotId(e.from.kind, e.from.name)} -> ${dotId(e.to.kind, e.to.name)} [${attrs.join(' ')}];`,
    );
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function graphToMermaid(g: PipelineGraph): string {
  const ids = new Map<string, string>();
  const id = (kind: string, name: string): string => {
    const key = `${kind}:${name}`;
    let value = ids.get(key);
    if (value === undefined) {
      value = `${kind === 'job' ? 'j' : 'r'}${ids.size}`;
      ids.set(key, value);
    }
    return value;
  };
  const label = (name: string): string => JSON.stringify(name.replaceAll('"', '#quot;'));
  const lines = ['flowchart LR'];
  for (const n of g.nodes) {
    lines.push(
      n.kind === 'job'
        ? `  ${id('job', n.name)}[${label(n.name)}]`
        : `  ${id('resource', n.name)}([${label(n.name)}])`,
    );
  }
  for (const e of g.edges) {
    const arrow = e.trigger || e.kind === 'put' ? '-->' : '-.->';
    const text = e.kind === 'passed' ? `|${label(e.resource)}|` : '';
    lines.push(`  ${id(e.from.kind, e.from.name)} ${arrow}${text} ${id(e.to.kind, e.to.name)}`);
  }
  return lines.join('\n') + '\n';
}
