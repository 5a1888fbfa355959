import { describe, expect, it } from 'vitest';
import { GoJsonError, unmarshalPipeline } from './go-json.js';
import { jobInputs, parsePipeline } from './parse.js';
import { parseStep } from './steps.js';
import type { Step } from './types.js';

/** The chain of kinds from the outside in, following wrapped steps. */
function chain(step: Step): string[] {
  const kinds = [step.kind];
  let current: Step = step;
  while ('step' in current && !('unknownFields' in current.step)) {
    current = current.step;
    kinds.push(current.kind);
  }
  return kinds;
}

describe('step key precedence', () => {
  it('nests every modifier in Concourse order regardless of key order', () => {
    const env = parseStep(
      {
        get: 'x',
        timeout: '1m',
        attempts: 2,
        across: [{ var: 'v', values: [1] }],
        on_success: { put: 'a' },
        on_failure: { put: 'b' },
        on_abort: { put: 'c' },
        on_error: { put: 'd' },
        ensure: { put: 'e' },
      },
      [],
    );
    expect(chain(env.step)).toEqual([
      'ensure',
      'on_error',
      'on_abort',
      'on_failure',
      'on_success',
      'across',
      'attempts',
      'get',
    ]);
    expect(env.unknownFields).toEqual([]);
  });

  it('lets get/put/task own their timeout, while timeout wraps do/try/in_parallel', () => {
    const get = parseStep({ get: 'x', timeout: '5m' }, []).step;
    expect(get).toMatchObject({ kind: 'get', timeout: '5m' });
    const doStep = parseStep({ do: [{ get: 'x' }], timeout: '5m' }, []).step;
    expect(chain(doStep)).toEqual(['timeout', 'do']);
  });

  it('stops at the first core step and leaves the rest as unknown fields', () => {
    const env = parseStep({ put: 'a', get: 'b', trgger: true }, []);
    expect(env.step.kind).toBe('put');
    expect(env.unknownFields).toEqual(['get', 'trgger']);
  });

  it('reads in_parallel as a list or as {steps, limit, fail_fast}', () => {
    const list = parseStep({ in_parallel: [{ get: 'a' }] }, []).step;
    const config = parseStep({ in_parallel: { steps: [{ get: 'a' }], limit: 2, fail_fast: true } }, []).step;
    expect(list).toMatchObject({ kind: 'in_parallel', limit: undefined, failFast: false });
    expect(config).toMatchObject({ kind: 'in_parallel', limit: 2, failFast: true });
  });

  it('distinguishes no step from modifiers only', () => {
    expect(() => parseStep({ aggregate: [] }, [])).toThrow('no step configured');
    expect(() => parseStep({ attempts: 2 }, [])).toThrow(
      'no core step type declared (e.g. get, put, task, etc.)',
    );
  });

  it('leaves wrong types to go-json, which prefixes nested steps as Go does', () => {
    const data = { jobs: [{ name: 'j', plan: [{ do: [{ get: 'x', trigger: 'sometimes' }] }] }] };
    try {
      unmarshalPipeline(data, false);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GoJsonError);
      expect((err as GoJsonError).message).toMatch(/^malformed do step: malformed get step: json: .* bool$/);
      expect((err as GoJsonError).path).toEqual(['jobs', 0, 'plan', 0, 'do', 0, 'trigger']);
    }
  });

  it('reads Go string fields as Go does: YAML scalars as text, null as empty', () => {
    const step = parseStep({ put: 1.5, inputs: ['a'], resource: null, get_params: null }, []).step;
    expect(step).toMatchObject({ kind: 'put', name: '1.5', resource: '1.5', getParams: undefined });
  });

  it('defaults get/put resource to the step name and put inputs to detect', () => {
    expect(parseStep({ get: 'src', resource: 'repo' }, []).step).toMatchObject({ resource: 'repo' });
    expect(parseStep({ put: 'repo' }, []).step).toMatchObject({ resource: 'repo', inputs: 'detect' });
  });

  it('keeps a task file reference for run time and inline configs typed', () => {
    expect(parseStep({ task: 't', file: 'ci/t.yml' }, []).step).toMatchObject({
      file: 'ci/t.yml',
      config: undefined,
    });
    const inline = parseStep(
      { task: 't', config: { platform: 'linux', run: { path: 'true' }, ouputs: [] } },
      [],
    ).step;
    expect(inline).toMatchObject({ config: { platform: 'linux' }, configUnknownFields: ['ouputs'] });
  });
});

describe('jobs', () => {
  it('has every get in the step tree as an input, hooks included', () => {
    const p = parsePipeline({
      jobs: [
        {
          name: 'j',
          plan: [
            { in_parallel: [{ get: 'a' }, { try: { get: 'b' } }] },
            { task: 't', file: 'a/t.yml', on_failure: { get: 'c' } },
          ],
          ensure: { do: [{ get: 'd' }] },
        },
      ],
    });
    const job = p.jobs[0];
    expect(job && jobInputs(job).map((g) => g.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(job && chain(job.step)).toEqual(['ensure', 'do']);
  });

  it('ignores unknown top-level keys unless strict', () => {
    const data = { anchors: { x: 1 }, jobs: [{ name: 'j', plan: [] }] };
    expect(parsePipeline(data).jobs).toHaveLength(1);
    expect(() => parsePipeline(data, { strict: true })).toThrow('json: unknown field "anchors"');
    expect(() => parsePipeline({ jobs: [{ name: 'j', plan: [], seral: true }] }, { strict: true })).toThrow(
      'json: unknown field "seral"',
    );
    const nested = { jobs: [{ name: 'j', plan: [], build_log_retention: { bilds: 1 } }] };
    expect(parsePipeline(nested).jobs).toHaveLength(1);
    expect(() => parsePipeline(nested, { strict: true })).toThrow('json: unknown field "bilds"');
    const free = { resources: [{ name: 'r', type: 't', source: { anything: { goes: 1 } } }], jobs: [] };
    expect(parsePipeline(free, { strict: true }).resources).toHaveLength(1);
  });
});
