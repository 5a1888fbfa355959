// Broken variants of one valid pipeline: each error of Concourse's validation (reference §4.1) is
// introduced once, and our messages must equal the documented Concourse messages, with positions.
// test/fly/ holds the same messages to the real fly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPipelineText, locatedErrors, type CheckResult } from '../src/model/index.js';

const base = readFileSync(join(import.meta.dirname, 'fixtures/variants/base.yml'), 'utf8');

function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`variant edit does not apply: ${from}`);
  return text.replace(from, to);
}

interface Variant {
  name: string;
  change: (text: string) => string;
  /** Every error message expected (order-insensitive), or a fatal decode message. */
  errors?: string[];
  fatal?: string;
  /** line:col of the first expected message. */
  at: string;
  warnings?: string[];
}

const unitStep = `  - task: unit
    timeout: 10m
    config:`;

export const variants: Variant[] = [
  // groups
  {
    name: 'duplicate group',
    change: (t) => edit(t, 'display:', '- name: all\n  jobs: [build, ship]\n\ndisplay:'),
    errors: ["group 'all' appears 2 times. Duplicate names are not allowed."],
    at: '21:3',
  },
  {
    name: 'invalid group glob',
    change: (t) => edit(t, 'jobs: ["*"]', 'jobs: ["*", "[abc"]'),
    errors: ["invalid glob expression '[abc' for group 'all'"],
    at: '22:15',
  },
  {
    name: 'group glob matches nothing',
    change: (t) => edit(t, 'jobs: ["*"]', 'jobs: ["*", deploy-*]'),
    errors: ["no jobs match 'deploy-*' for group 'all'"],
    at: '22:15',
  },
  {
    name: 'group unknown resource',
    change: (t) => edit(t, 'resources: [repo]', 'resources: [repo, nope]'),
    errors: ["group 'all' has unknown resource 'nope'"],
    at: '23:21',
  },
  {
    name: 'job in no group',
    change: (t) => edit(t, 'jobs: ["*"]', 'jobs: [build]'),
    errors: ["job 'ship' belongs to no group"],
    at: '42:3',
  },
  // resources, resource types, prototypes
  {
    name: 'duplicate resource',
    change: (t) => edit(t, 'var_sources:', '- name: repo\n  type: git\n  source: {}\n\nvar_sources:'),
    errors: ["resources[0] and resources[2] have the same name ('repo')"],
    at: '15:3',
  },
  {
    name: 'resource without name',
    change: (t) => edit(t, 'var_sources:', '- type: git\n  source: {}\n\nvar_sources:'),
    errors: [
      'resources[2]: identifier cannot be an empty string',
      'resources[2] has no name',
      "resource '' is not used",
    ],
    at: '15:3',
  },
  {
    name: 'resource without type',
    change: (t) => edit(t, 'var_sources:', '- name: extra\n  source: {}\n\nvar_sources:'),
    errors: ['resources.extra has no type', "resource 'extra' is not used"],
    at: '15:3',
  },
  {
    name: 'unused resource',
    change: (t) => edit(t, 'var_sources:', '- name: extra\n  type: git\n  source: {}\n\nvar_sources:'),
    errors: ["resource 'extra' is not used"],
    at: '15:3',
  },
  {
    name: 'resource type and prototype share a name',
    change: (t) =>
      edit(t, 'resources:', 'prototypes:\n- name: my-type\n  type: registry-image\n\nresources:'),
    errors: ["resource_types[0] and prototypes[0] have the same name ('my-type')"],
    at: '8:3',
  },
  {
    name: 'resource type without type',
    change: (t) =>
      edit(t, '  type: registry-image\n  source: {repository: example', '  source: {repository: example'),
    errors: ['resource_types.my-type has no type'],
    at: '3:3',
  },
  // var_sources
  {
    name: 'unknown credential manager',
    change: (t) => edit(t, '  type: vault', '  type: keychain'),
    errors: ['unknown credential manager type: keychain'],
    at: '17:9',
  },
  {
    name: 'credential manager not allowed in pipelines',
    change: (t) => edit(t, '  type: vault', '  type: credhub'),
    errors: [
      'credential manager type credhub is not supported in pipeline yet',
      'credential manager vault is invalid: invalid URL (must be http or https)',
    ],
    at: '17:9',
  },
  {
    name: 'duplicate var source',
    change: (t) => edit(t, 'groups:', '- name: vault\n  type: dummy\n  config: {vars: {}}\n\ngroups:'),
    errors: ["var_sources[0] and var_sources[1] have the same name ('vault')"],
    at: '20:3',
  },
  {
    name: 'inter-dependent var sources',
    change: (t) =>
      edit(
        t,
        'groups:',
        '- name: a\n  type: dummy\n  config: {vars: {x: ((b:y))}}\n- name: b\n  type: dummy\n  config: {vars: {y: ((a:x))}}\n\ngroups:',
      ),
    errors: ['failed to order by dependency: could not resolve inter-dependent var sources: a, b'],
    at: '20:3',
  },
  // jobs
  {
    name: 'no jobs',
    change: (t) => t.slice(0, t.indexOf('jobs:\n- name: build')) + 'jobs: []\n',
    errors: [
      "no jobs match '*' for group 'all'",
      "resource 'repo' is not used",
      "resource 'image' is not used",
      'jobs: pipeline must contain at least one job',
    ],
    at: '22:10',
  },
  {
    name: 'duplicate job',
    change: (t) => edit(t, '- name: ship', '- name: build\n  plan: [{get: repo}]\n\n- name: ship'),
    errors: ["jobs[0] and jobs[1] have the same name ('build')"],
    at: '42:3',
  },
  {
    name: 'job without name',
    change: (t) => edit(t, '- name: ship', '- plan: [{get: repo}]\n\n- name: ship'),
    errors: ['jobs[1]: identifier cannot be an empty string', 'jobs[1] has no name'],
    at: '42:3',
  },
  {
    name: 'both log retention settings',
    change: (t) =>
      edit(
        t,
        '  build_log_retention: {builds: 10}',
        '  build_log_retention: {builds: 10}\n  build_logs_to_retain: 5',
      ),
    errors: ["jobs.build can't use both build_log_retention and build_logs_to_retain"],
    at: '31:25',
    warnings: ['jobs.build.build_logs_to_retain is deprecated. Use build_log_retention instead.'],
  },
  {
    name: 'negative build_logs_to_retain',
    change: (t) => edit(t, '  build_log_retention: {builds: 10}', '  build_logs_to_retain: -1'),
    errors: ['jobs.build has negative build_logs_to_retain: -1'],
    at: '30:25',
    warnings: ['jobs.build.build_logs_to_retain is deprecated. Use build_log_retention instead.'],
  },
  {
    name: 'negative retention',
    change: (t) => edit(t, '{builds: 10}', '{builds: -1, days: -2, minimum_succeeded_builds: -3}'),
    errors: [
      'jobs.build has negative build_log_retention.builds: -1',
      'jobs.build has negative build_log_retention.days: -2',
      'jobs.build has negative build_log_retention.min_success_builds: -3',
    ],
    at: '30:3',
  },
  {
    name: 'more successful builds kept than builds',
    change: (t) => edit(t, '{builds: 10}', '{builds: 10, minimum_succeeded_builds: 20}'),
    errors: [
      'jobs.build has build_log_retention.min_success_builds: 20 greater than build_log_retention.min_success_builds: 10',
    ],
    at: '30:3',
  },
  {
    name: 'passed cycle',
    change: (t) =>
      edit(t, '  - get: repo\n    trigger: true', '  - get: repo\n    trigger: true\n    passed: [ship]'),
    errors: ["pipeline contains a cycle that starts at Job 'build'"],
    at: '29:3',
  },
  // display
  {
    name: 'background image not a URL',
    change: (t) => edit(t, 'https://example.com/bg.png', 'https://example.com/%zz.png'),
    errors: ['background_image is not a valid URL: https://example.com/%zz.png'],
    at: '26:21',
  },
  {
    name: 'background image scheme',
    change: (t) => edit(t, 'https://example.com/bg.png', 'ftp://example.com/bg.png'),
    errors: ['background_image scheme must be either http, https or relative'],
    at: '26:21',
  },
  // steps
  {
    name: 'unknown step field',
    change: (t) => edit(t, '    trigger: true\n  - task', '    trigger: true\n    trgger: true\n  - task'),
    errors: ['jobs.build.plan.do[0]: unknown fields ["trgger"]'],
    at: '34:5',
  },
  {
    name: 'two core steps in one',
    change: (t) => edit(t, '  - load_var: version', '  - load_var: version\n    get: image'),
    errors: ['jobs.ship.plan.do[1]: unknown fields ["load_var" "file"]'],
    at: '48:5',
  },
  {
    name: 'empty step name',
    change: (t) => edit(t, '  - task: unit', '  - task: ""'),
    // Concourse prefixes a step's identifier error with the step path twice.
    errors: [
      'jobs.build.plan.do[1].task(): jobs.build.plan.do[1].task(): identifier cannot be an empty string',
    ],
    at: '34:11',
  },
  {
    name: 'repeated get name',
    change: (t) => edit(t, '  - load_var: version', '  - get: repo\n  - load_var: version'),
    errors: ['jobs.ship.plan.do[1].get(repo): repeated name'],
    at: '48:10',
  },
  {
    name: 'get of unknown resource',
    change: (t) => edit(t, unitStep, `  - get: nope\n${unitStep}`),
    errors: ["jobs.build.plan.do[1].get(nope): unknown resource 'nope'"],
    at: '34:10',
  },
  {
    name: 'get with resource: of unknown resource',
    change: (t) => edit(t, unitStep, `  - get: src\n    resource: nope\n${unitStep}`),
    errors: ["jobs.build.plan.do[1].get(src): unknown resource 'nope'"],
    at: '35:15',
  },
  {
    name: 'passed names no job',
    change: (t) => edit(t, 'passed: [build]', 'passed: [build, deploy]'),
    errors: ["jobs.ship.plan.do[0].in_parallel.steps[0].get(repo).passed: no matching job(s) for 'deploy'"],
    at: '46:23',
  },
  {
    name: 'passed job does not touch the resource',
    change: (t) =>
      edit(t, '  - load_var: version', '  - get: image\n    passed: [build]\n  - load_var: version'),
    errors: ["jobs.ship.plan.do[1].get(image).passed: job 'build' does not interact with resource 'image'"],
    at: '49:14',
  },
  {
    name: 'put to unknown resource',
    change: (t) => edit(t, '- name: ship', '  - put: nope\n\n- name: ship'),
    errors: ["jobs.build.plan.do[2].put(nope): unknown resource 'nope'"],
    at: '42:10',
  },
  {
    name: 'task without file or config',
    change: (t) =>
      edit(
        t,
        t.slice(t.indexOf('    config:\n      platform'), t.indexOf('\n\n- name: ship')),
        '    file: repo/ci/unit.yml',
      ),
    errors: [],
    at: '',
  },
  {
    name: 'task with neither',
    change: (t) =>
      edit(
        t,
        t.slice(t.indexOf('    config:\n      platform'), t.indexOf('\n\n- name: ship')),
        '    image: repo',
      ),
    errors: ['jobs.build.plan.do[1].task(unit): must specify either `file:` or `config:`'],
    at: '34:11',
  },
  {
    name: 'task with both',
    change: (t) => edit(t, '    timeout: 10m', '    timeout: 10m\n    file: repo/ci/unit.yml'),
    errors: ['jobs.build.plan.do[1].task(unit): must specify one of `file:` or `config:`, not both'],
    at: '36:11',
  },
  {
    name: 'task config unknown field',
    change: (t) => edit(t, '      platform: linux', '      platform: linux\n      ouputs: []'),
    errors: ['jobs.build.plan.do[1].task(unit).config: unknown fields ["ouputs"]'],
    at: '38:7',
  },
  {
    name: 'task config without platform',
    change: (t) => edit(t, '      platform: linux\n', ''),
    errors: ["jobs.build.plan.do[1].task(unit).config: missing 'platform'"],
    at: '36:5',
  },
  {
    name: 'task input and output without name',
    change: (t) =>
      edit(t, 'inputs: [{name: repo}]', 'inputs: [{name: repo}, {path: x}]\n      outputs: [{path: out}]'),
    errors: [
      'jobs.build.plan.do[1].task(unit).config:   input in position 1 is missing a name',
      'jobs.build.plan.do[1].task(unit).config:   output in position 0 is missing a name',
    ],
    at: '39:30',
  },
  {
    name: 'set_pipeline without file',
    change: (t) => edit(t, '    file: repo/ci/pipeline.yml', '    team: main'),
    errors: ['jobs.ship.plan.do[3].set_pipeline(self): no file specified'],
    at: '59:5',
  },
  {
    name: 'load_var without file',
    change: (t) => edit(t, '    file: repo/version', '    format: json'),
    errors: ['jobs.ship.plan.do[1].load_var(version): no file specified'],
    at: '48:5',
  },
  {
    name: 'load_var repeated',
    change: (t) => edit(t, '  - across:', '  - load_var: version\n    file: repo/other\n  - across:'),
    errors: ['jobs.ship.plan.do[2].load_var(version): repeated var name'],
    at: '50:15',
  },
  {
    name: 'across without vars',
    change: (t) =>
      edit(t, t.slice(t.indexOf('  - across:\n'), t.indexOf('    attempts: 2')), '  - across: []\n'),
    errors: ['jobs.ship.plan.do[2].across: no vars specified'],
    at: '50:5',
  },
  {
    name: 'across repeated var',
    change: (t) =>
      edit(t, '      max_in_flight: 1', '      max_in_flight: 1\n    - var: env\n      values: [x]'),
    errors: ['jobs.ship.plan.do[2].across[1]: repeated var name'],
    at: '54:12',
  },
  {
    name: 'across max_in_flight zero',
    change: (t) => edit(t, '      max_in_flight: 1', '      max_in_flight: 0'),
    errors: ['jobs.ship.plan.do[2].across[0].max_in_flight: must be greater than 0'],
    at: '53:22',
  },
  {
    name: 'attempts zero',
    change: (t) => edit(t, '    attempts: 2', '    attempts: 0'),
    errors: ['jobs.ship.plan.do[2].across.attempts: must be greater than 0'],
    at: '54:15',
  },
  {
    name: 'invalid timeout',
    change: (t) => edit(t, '    timeout: 1h', '    timeout: 1 hour'),
    errors: ["jobs.ship.plan.do[2].across.timeout: invalid duration '1 hour'"],
    at: '55:14',
  },
  {
    name: 'run step with unknown prototype',
    change: (t) => edit(t, '- name: ship', '  - run: hello\n    type: nope\n\n- name: ship'),
    errors: ["jobs.build.plan.do[2].run(nope.hello): unknown prototype 'nope'"],
    at: '43:11',
  },
  {
    name: 'job hook step is validated under .plan.<hook>',
    change: (t) => edit(t, '- name: ship', '  on_failure:\n    put: nope\n\n- name: ship'),
    errors: ["jobs.build.plan.on_failure.put(nope): unknown resource 'nope'"],
    at: '43:10',
  },
  // decode errors (fly stops before validating)
  {
    name: 'removed aggregate step',
    change: (t) => edit(t, '  - in_parallel:', '  - aggregate:'),
    fatal: 'error unmarshaling JSON: while decoding JSON: no step configured',
    at: '44:5',
  },
  {
    name: 'only modifiers',
    change: (t) => edit(t, '- name: ship', '  - attempts: 3\n\n- name: ship'),
    fatal:
      'error unmarshaling JSON: while decoding JSON: no core step type declared (e.g. get, put, task, etc.)',
    at: '42:5',
  },
  {
    name: 'malformed get step',
    change: (t) => edit(t, '    trigger: true\n  - task', '    trigger: [yes]\n  - task'),
    fatal:
      'error unmarshaling JSON: while decoding JSON: malformed get step: json: cannot unmarshal array into Go struct field GetStep.trigger of type bool',
    at: '33:5',
  },
  {
    name: 'nested malformed step',
    change: (t) => edit(t, '      passed: [build]', '      passed: build'),
    fatal:
      'error unmarshaling JSON: while decoding JSON: malformed in_parallel step: failed to unmarshal parallel steps: malformed get step: json: cannot unmarshal string into Go struct field GetStep.passed of type []string',
    at: '46:15',
  },
  {
    name: 'duplicate key',
    change: (t) => edit(t, '    trigger: true\n  - task', '    trigger: true\n    trigger: false\n  - task'),
    fatal:
      'error parsing yaml before applying templates: yaml: unmarshal errors:\n  line 34: mapping key "trigger" already defined at line 33',
    at: '34:5',
  },
];

function errorsOf(result: CheckResult): string[] {
  return result.kind === 'checked' ? locatedErrors(result).map((e) => e.message) : [];
}

describe('broken variants of a valid pipeline', () => {
  it('the base pipeline is valid and warning-free', () => {
    const result = checkPipelineText(base, 'base.yml');
    expect(result.kind === 'checked' && result.failed).toBe(false);
    expect(result.kind === 'checked' ? result.result.warnings : []).toEqual([]);
  });

  it.each(variants.map((v) => [v.name, v] as const))('%s', (_name, variant) => {
    const result = checkPipelineText(variant.change(base), 'base.yml');
    if (variant.fatal !== undefined) {
      expect(result.kind).toBe('unreadable');
      if (result.kind !== 'unreadable') return;
      expect(result.error.message.startsWith(variant.fatal)).toBe(true);
      expect(`${result.error.position.line}:${result.error.position.col}`).toBe(variant.at);
      return;
    }
    expect(result.kind).toBe('checked');
    if (result.kind !== 'checked') return;
    expect([...errorsOf(result)].sort()).toEqual([...(variant.errors ?? [])].sort());
    expect(result.failed).toBe((variant.errors ?? []).length > 0);
    const first = locatedErrors(result).find((e) => e.message === variant.errors?.[0]);
    if (first) expect(`${first.position.line}:${first.position.col}`).toBe(variant.at);
    expect(result.result.warnings.map((w) => w.message)).toEqual(variant.warnings ?? []);
  });
});
