// fly names an instanced pipeline by its group name in the path plus its instance vars in the query
// (`?vars.branch="main"`, or `?vars={"branch":"main"}`, atc.PipelineRef's QueryParams); the state
// keys it by its ref, `name/branch:main` (store/pipeline-ref.ts).
import { pipelineRef } from '../store/pipeline-ref.js';
import { HttpError } from './api.js';

type Vars = Record<string, unknown>;

function setPath(target: Vars, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (node[key] = next !== null && typeof next === 'object' ? next : {}) as Vars;
  }
  node[path.at(-1)!] = value;
}

/** The instance vars a pipeline route names; undefined for a plain pipeline. */
export function instanceVarsOf(query: URLSearchParams): Vars | undefined {
  let vars: Vars | undefined;
  for (const [key, text] of query) {
    if (key !== 'vars' && !key.startsWith('vars.')) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, `instance vars are malformed: ${(err as Error).message}`);
    }
    vars ??= {};
    if (key === 'vars') {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new HttpError(400, 'instance vars are malformed: vars must be a JSON object');
      Object.assign(vars, value);
    } else setPath(vars, key.slice('vars.'.length).split('.'), value);
  }
  return vars;
}

/** The state's key for the pipeline a route names. */
export function pipelineRefOf(name: string, query: URLSearchParams): string {
  return pipelineRef(name, instanceVarsOf(query));
}
