// A seeded generator of broken and odd variants of valid pipelines, aimed at every check of
// Concourse's atc config validation (atc/configvalidate, atc/step_validator.go, atc/config*.go,
// the step decoder in atc/steps.go) and at the YAML layer in front of it. Same seed, same cases.
import { stringify } from 'yaml';

export interface Mutation {
  /** What was changed, e.g. `identifier jobs[0].name = 'A b'`; names the rule it aims at. */
  label: string;
  rule: string;
  yaml: string;
}

type Rng = () => number;

/** mulberry32: tiny, fast and good enough to pick cases reproducibly. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

type Data = Record<string, unknown>;
type Path = (string | number)[];

/** A valid pipeline that uses every section and step kind. */
export function basePipeline(): Data {
  return {
    resource_types: [{ name: 'my-type', type: 'registry-image', source: { repository: 'example/my-type' } }],
    resources: [
      { name: 'repo', type: 'git', source: { uri: 'https://example.com/repo.git' }, check_every: '1m' },
      { name: 'image', type: 'my-type', source: { tag: 'latest' } },
    ],
    prototypes: [{ name: 'proto', type: 'registry-image', source: { repository: 'example/proto' } }],
    var_sources: [{ name: 'dummy', type: 'dummy', config: { vars: { a: 'b' } } }],
    groups: [{ name: 'all', jobs: ['*'], resources: ['repo'] }],
    display: { background_image: 'https://example.com/bg.png' },
    jobs: [
      {
        name: 'build',
        serial: true,
        build_log_retention: { builds: 10 },
        plan: [
          { get: 'repo', trigger: true },
          {
            task: 'unit',
            timeout: '10m',
            config: {
              platform: 'linux',
              image_resource: { type: 'registry-image', source: { repository: 'alpine' } },
              inputs: [{ name: 'repo' }],
              outputs: [{ name: 'out' }],
              caches: [{ path: 'cache' }],
              params: { A: 'b' },
              run: { path: 'sh', args: ['-c', 'true'] },
            },
          },
          { run: 'hello', type: 'proto' },
        ],
        on_failure: { put: 'image', params: { a: 'b' } },
      },
      {
        name: 'ship',
        max_in_flight: 1,
        plan: [
          { in_parallel: [{ get: 'repo', passed: ['build'], trigger: true }] },
          { load_var: 'version', file: 'repo/version' },
          {
            across: [{ var: 'env', values: ['dev', 'prod'], max_in_flight: 1 }],
            attempts: 2,
            timeout: '1h',
            do: [{ put: 'image', params: { env: '((.:env))' } }],
          },
          { try: { task: 'lint', file: 'repo/ci/lint.yml', privileged: true } },
          { set_pipeline: 'self', file: 'repo/ci/pipeline.yml' },
        ],
        ensure: { in_parallel: { steps: [{ put: 'image' }], limit: 1, fail_fast: true } },
      },
    ],
  };
}

const clone = <T>(x: T): T => structuredClone(x);

/** A section as a list, made one again if an earlier change broke it. */
function list(data: Data, key: string): Data[] {
  if (!Array.isArray(data[key])) data[key] = [];
  return data[key] as Data[];
}

const isData = (x: unknown): x is Data => x !== null && typeof x === 'object' && !Array.isArray(x);

function get(data: unknown, path: Path): unknown {
  let node = data;
  for (const seg of path) node = (node as Record<string | number, unknown>)?.[seg];
  return node;
}

function set(data: unknown, path: Path, value: unknown): void {
  const parent = get(data, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
}

function remove(data: unknown, path: Path): void {
  const parent = get(data, path.slice(0, -1));
  const key = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, unknown>)[key as string];
}

/** Every map and its path, for "unknown key at every level" and deletions. */
function maps(data: unknown, path: Path = []): Path[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => maps(item, [...path, i]));
  if (data === null || typeof data !== 'object') return [];
  return [path, ...Object.entries(data).flatMap(([k, v]) => maps(v, [...path, k]))];
}

/** Every scalar-or-container field (not list items), for type swaps. */
function fields(data: unknown, path: Path = []): Path[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => fields(item, [...path, i]));
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([k, v]) => [[...path, k], ...fields(v, [...path, k])]);
}

/** Every step map: plan items, hooks, nested do/try/in_parallel. */
function steps(data: Data): Path[] {
  const out: Path[] = [];
  const visit = (step: unknown, path: Path): void => {
    if (step === null || typeof step !== 'object' || Array.isArray(step)) return;
    out.push(path);
    const s = step as Data;
    for (const hook of ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure', 'try'])
      if (s[hook] !== undefined) visit(s[hook], [...path, hook]);
    if (Array.isArray(s.do)) s.do.forEach((x, i) => visit(x, [...path, 'do', i]));
    const par = s.in_parallel;
    if (Array.isArray(par)) par.forEach((x, i) => visit(x, [...path, 'in_parallel', i]));
    else if (par && typeof par === 'object' && Array.isArray((par as Data).steps))
      ((par as Data).steps as unknown[]).forEach((x, i) => visit(x, [...path, 'in_parallel', 'steps', i]));
  };
  list(data, 'jobs').forEach((job, j) => {
    if (!isData(job)) return;
    (Array.isArray(job.plan) ? job.plan : []).forEach((s, i) => visit(s, ['jobs', j, 'plan', i]));
    for (const hook of ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure'])
      if (job[hook] !== undefined) visit(job[hook], ['jobs', j, hook]);
  });
  return out;
}

/** Values of every YAML/JSON type, plus strings Concourse's typed fields treat specially. */
const values: unknown[] = [
  'text',
  '',
  'true',
  'yes',
  '1',
  '-1',
  '0',
  '1.5',
  '10m',
  '1h30m',
  'bogus',
  'never',
  'all',
  'every',
  'latest',
  'detect',
  '((var))',
  '((src:var.field))',
  '((.:local))',
  'a ((var)) b',
  '((var',
  'linux',
  1,
  0,
  -1,
  2,
  1.5,
  1e3,
  true,
  false,
  null,
  [],
  ['a'],
  ['a', ''],
  [1],
  [['a']],
  {},
  { a: 'b' },
  { a: 1 },
  { a: ['b'] },
  [{ a: 'b' }],
];

/** One character of each class RFC 040 identifiers reject, and a few that pass. */
const identifierChars = [
  ...' !"#$%&\'()*+,/:;<=>?@[\\]^`{|}~',
  'A',
  'É',
  'ß',
  'é',
  '日',
  '🙂',
  '\t',
  '-',
  '_',
  '.',
  '1',
];

function identifiers(r: Rng): string {
  const c = pick(r, identifierChars);
  return pick(r, [
    '',
    '1',
    '123',
    `${c}abc`,
    `ab${c}c`,
    `abc${c}`,
    'Abc',
    'aBC',
    'a-b_c.d',
    '-abc',
    '_abc',
    '.abc',
    'a'.repeat(70),
    '((var))',
    'a ((var))',
    'true',
    'null',
  ]);
}

/** Paths of every identifier Concourse checks, with the section that owns it. */
function identifierPaths(data: Data): Path[] {
  const out: Path[] = [];
  for (const section of ['groups', 'resources', 'resource_types', 'prototypes', 'var_sources', 'jobs'])
    list(data, section).forEach((x, i) => {
      if (isData(x)) out.push([section, i, 'name']);
    });
  for (const step of steps(data)) {
    const s = get(data, step) as Data;
    for (const key of ['get', 'put', 'task', 'set_pipeline', 'load_var', 'run'])
      if (typeof s[key] === 'string') out.push([...step, key]);
    if (Array.isArray(s.across)) s.across.forEach((_v, i) => out.push([...step, 'across', i, 'var']));
  }
  return out;
}

/** Steps to put anywhere a step goes: every kind, modifiers in many orders, and broken ones. */
function stepSnippets(r: Rng): Data {
  const core = (): Data =>
    pick(r, [
      { get: 'repo' },
      { get: 'src', resource: 'repo', version: 'every' },
      { get: 'repo', version: { ref: 'abc' } },
      { get: 'repo', passed: ['ship'] },
      { get: 'repo', passed: ['nope'] },
      { get: 'repo', passed: ['b*'] },
      { get: 'repo', passed: ['[x'] },
      { get: 'image', passed: ['build'] },
      { get: 'repo', trigger: '((trigger))' },
      { put: 'image' },
      { put: 'nope' },
      { put: 'image', inputs: 'all' },
      { put: 'image', inputs: ['a', 'b'] },
      { put: 'image', inputs: [1] },
      { put: 'image', no_get: true, get_params: { a: 'b' } },
      { task: 't', file: 'x.yml' },
      { task: 't' },
      { task: 't', file: 'x.yml', config: { platform: 'linux', run: { path: 'x' } } },
      { task: 't', config: { run: { path: 'x' } } },
      { task: 't', config: { platform: 'linux', run: { path: 'x' }, inputs: [{ path: 'a' }] } },
      { task: 't', config: { platform: 'linux', run: { path: 'x' }, outputs: [{}] } },
      { task: 't', config: { platform: 'linux', run: { path: 'x' }, bogus: 1 } },
      { task: 't', config: { platform: 'linux', rootfs_uri: 'x', run: { path: 'x' } }, image: 'img' },
      { task: 't', file: 'x.yml', hermetic: true },
      { task: 't', file: 'x.yml', container_limits: { cpu: 1, memory: '1GB' } },
      { task: 't', config: { platform: 'linux', run: { path: 'x' }, caches: [{ path: 'c', ttl: '1h' }] } },
      { task: 't', config: { platform: 'linux', run: { path: 'x' }, caches: [{ path: 'c', ttl: '1ms' }] } },
      { set_pipeline: 'p', file: 'p.yml', vars: { a: 1 }, var_files: ['v.yml'], instance_vars: { i: 'x' } },
      { set_pipeline: 'p' },
      { set_pipeline: 'self', file: 'p.yml', team: 'other' },
      { load_var: 'v', file: 'f' },
      { load_var: 'v' },
      { load_var: 'version', file: 'f' },
      { load_var: 'v', file: 'f', format: 'json', reveal: true },
      { load_var: 'v', file: 'f', format: 'toml' },
      { run: 'hello', type: 'proto' },
      { run: 'hello', type: 'nope' },
      { run: 'Hello', type: 'proto' },
      { do: [] },
      { do: [{ get: 'repo' }] },
      { in_parallel: [] },
      { in_parallel: { steps: [{ put: 'image' }], limit: 2 } },
      { in_parallel: { limit: 2 } },
      { in_parallel: 'x' },
      { try: { put: 'image' } },
      { try: {} },
      {},
      { bogus: 1 },
      { get: 'repo', put: 'image' },
      { task: 't', file: 'x.yml', get: 'repo' },
      { aggregate: [{ get: 'repo' }] },
    ]);
  let step = core();
  const modifiers = Math.floor(r() * 4);
  for (let i = 0; i < modifiers; i++) {
    const modifier = pick(r, [
      { attempts: pick(r, [2, 0, -1, '3', '((n))']) },
      { timeout: pick(r, ['1h', 'bogus', '1', '', '((t))']) },
      {
        across: pick(r, [
          [{ var: 'x', values: [1, 2] }],
          [{ var: 'x', values: [1, 2], max_in_flight: 'all' }],
          [{ var: 'x', values: [1], max_in_flight: 0 }],
          [{ var: 'x', values: [1], max_in_flight: 'some' }],
          [{ var: 'x' }, { var: 'x' }],
          [{ var: 'env', values: '((list))' }],
          [{ var: 'x', bogus: 1 }],
          [],
        ]),
      },
      { fail_fast: true },
      { on_success: core() },
      { on_failure: core() },
      { on_abort: core() },
      { on_error: core() },
      { ensure: core() },
      { tags: pick(r, [['a'], 'a', [1]]) },
    ]);
    step = { ...modifier, ...step };
  }
  return step;
}

type Mutator = (r: Rng, data: Data) => { rule: string; label: string } | undefined;

const mutators: Mutator[] = [
  (r, data) => {
    const all = fields(data);
    if (all.length === 0) return undefined;
    const path = pick(r, all);
    const value = pick(r, values);
    set(data, path, clone(value));
    return { rule: 'typed field', label: `${path.join('.')} = ${JSON.stringify(value)}` };
  },
  (r, data) => {
    const paths = identifierPaths(data);
    if (paths.length === 0) return undefined;
    const path = pick(r, paths);
    const name = identifiers(r);
    set(data, path, name);
    return { rule: 'identifier', label: `${path.join('.')} = ${JSON.stringify(name)}` };
  },
  (r, data) => {
    const section = pick(r, ['groups', 'resources', 'resource_types', 'prototypes', 'var_sources', 'jobs']);
    const items = list(data, section);
    if (items.length === 0) return undefined;
    items.push(clone(pick(r, items)));
    return { rule: 'duplicate name', label: `a second ${section} entry with the same name` };
  },
  (r, data) => {
    const path = pick(r, maps(data));
    const key = pick(r, ['bogus', 'Name', 'name ', 'plan', 'config', 'jobs', 'on_success', 'params']);
    const target = get(data, path) as Data;
    if (!isData(target)) return undefined;
    if (key in target) return undefined;
    target[key] = pick(r, values);
    return { rule: 'unknown key', label: `${path.join('.') || '(top)'} gets key ${key}` };
  },
  (r, data) => {
    const all = fields(data);
    if (all.length === 0) return undefined;
    const path = pick(r, all);
    remove(data, path);
    return { rule: 'missing field', label: `${path.join('.')} removed` };
  },
  (r, data) => {
    const all = steps(data);
    if (all.length === 0) return undefined;
    const path = pick(r, all);
    const step = stepSnippets(r);
    set(data, path, step);
    return { rule: 'step', label: `${path.join('.')} = ${JSON.stringify(step)}` };
  },
  (r, data) => {
    const jobs = list(data, 'jobs').filter(isData);
    if (jobs.length === 0) return undefined;
    const job = pick(r, jobs);
    const hook = pick(r, ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure']);
    job[hook] = stepSnippets(r);
    return { rule: 'job hook', label: `job ${String(job.name)} ${hook}` };
  },
  (r, data) => {
    const group = pick(r, [
      { name: 'g', jobs: ['build'] },
      { name: 'g', jobs: ['[x'] },
      { name: 'g', jobs: ['nope*'] },
      { name: 'g', jobs: ['{build,ship}'] },
      { name: 'g', resources: ['nope'] },
      { name: 'all', jobs: ['*'] },
      { name: 'G', jobs: ['ship'] },
    ]);
    list(data, 'groups').push(group);
    return { rule: 'groups', label: `group ${JSON.stringify(group)}` };
  },
  (r, data) => {
    const vs = pick(r, [
      { name: 'v', type: 'vault', config: { url: 'https://vault' } },
      { name: 'v', type: 'vault', config: {} },
      { name: 'v', type: 'credhub', config: {} },
      { name: 'v', type: 'nope', config: {} },
      { name: 'v', type: 'ssm', config: { region: 'x' } },
      { name: 'v', type: 'dummy', config: { vars: { a: '((w:x))' } } },
      { name: 'w', type: 'dummy', config: { vars: { a: '((v:x))' } } },
      { name: 'v', type: 'dummy', config: { vars: { a: '((v:x))' } } },
      { name: 'v', type: 'dummy' },
      { name: 'v', type: 'dummy', config: 'x' },
    ]);
    list(data, 'var_sources').push(vs);
    return { rule: 'var_sources', label: `var source ${JSON.stringify(vs)}` };
  },
  (r, data) => {
    const image = pick(r, [
      'http://x/y.png',
      'ftp://x',
      '/relative.png',
      'x y',
      '%zz',
      ':x',
      'HTTPS://X',
      '',
      'data:x',
    ]);
    data.display = { background_image: image, ...(r() < 0.3 ? { background_filter: 'blur' } : {}) };
    return { rule: 'display', label: `background_image ${JSON.stringify(image)}` };
  },
  (r, data) => {
    const jobs = list(data, 'jobs').filter(isData);
    if (jobs.length === 0) return undefined;
    const job = pick(r, jobs);
    const retention = pick(r, [
      { build_log_retention: { builds: -1 } },
      { build_log_retention: { days: -2 } },
      { build_log_retention: { minimum_succeeded_builds: -3 } },
      { build_log_retention: { builds: 2, minimum_succeeded_builds: 5 } },
      { build_log_retention: { builds: 2 }, build_logs_to_retain: 3 },
      { build_logs_to_retain: 3 },
      { build_logs_to_retain: -3 },
      { build_log_retention: { builds: '2' } },
    ]);
    delete job.build_log_retention;
    Object.assign(job, clone(retention));
    return { rule: 'build log retention', label: JSON.stringify(retention) };
  },
  (r, data) => {
    const jobs = list(data, 'jobs');
    const choice = pick(r, ['cycle', 'self', 'none', 'glob cycle']);
    const build = jobs.find((j) => isData(j) && j.name === 'build');
    if (!build || !Array.isArray(build.plan)) return undefined;
    if (choice === 'none') data.jobs = [];
    else {
      const passed = choice === 'self' ? ['build'] : choice === 'glob cycle' ? ['s*'] : ['ship'];
      build.plan.unshift({ get: 'repo', passed });
    }
    return { rule: 'jobs', label: choice };
  },
];

/** Text-level changes the data model cannot express: duplicate keys, merge keys, anchors. */
const textMutators: ((r: Rng, yaml: string) => { rule: string; label: string; yaml: string } | undefined)[] =
  [
    (r, yaml) => {
      const lines = yaml.split('\n');
      const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[a-z_]+: \S/.test(l));
      if (candidates.length === 0) return undefined;
      const [line, i] = pick(r, candidates);
      const indent = /^(\s*)(- )?/.exec(line)?.[0].replace('- ', '  ') ?? '';
      const key = /([a-z_]+):/.exec(line)?.[1] ?? 'name';
      lines.splice(i + 1, 0, `${indent}${key}: again`);
      return { rule: 'duplicate key', label: `line ${i + 2} repeats ${key}`, yaml: lines.join('\n') };
    },
    (r, yaml) => {
      const twice = r() < 0.5;
      const anchors = `x-a: &a {serial: true}\nx-b: &b {public: true}\n`;
      const merge = twice
        ? '<<: *a\n    <<: *b'
        : pick(r, ['<<: *a', '<<: [*a, *b]', '<<: {interruptible: true}']);
      const out = yaml.replace(
        /^jobs:\n- name: (\S+)\n/m,
        (_m, name: string) => `jobs:\n- name: ${name}\n  ${merge.replace('\n    ', '\n  ')}\n`,
      );
      return { rule: 'merge keys', label: merge, yaml: anchors + out };
    },
    (r, yaml) => {
      const alias = pick(r, ['*undefined', '&a x', '*a']);
      return { rule: 'anchors', label: alias, yaml: yaml.replace(/type: git/, `type: ${alias}`) };
    },
    (r, yaml) => {
      const dup = pick(r, ['jobs', 'resources', 'groups']);
      return { rule: 'duplicate key', label: `top-level ${dup} twice`, yaml: `${yaml}\n${dup}: []\n` };
    },
  ];

/** `count` cases from `seed`: each a valid pipeline with one to three changes. */
export function generateMutations(seed: number, count: number): Mutation[] {
  const r = rng(seed);
  const out: Mutation[] = [];
  while (out.length < count) {
    const data = basePipeline();
    const labels: string[] = [];
    const rules: string[] = [];
    const changes = 1 + Math.floor(r() * 3);
    for (let i = 0; i < changes; i++) {
      const applied = pick(r, mutators)(r, data);
      if (applied) {
        labels.push(applied.label);
        rules.push(applied.rule);
      }
    }
    let yaml = stringify(data, { version: '1.1', lineWidth: 0, indentSeq: false });
    if (r() < 0.2) {
      const applied = pick(r, textMutators)(r, yaml);
      if (applied) {
        yaml = applied.yaml;
        labels.push(applied.label);
        rules.push(applied.rule);
      }
    }
    if (labels.length === 0) continue;
    out.push({ label: labels.join('; '), rule: [...new Set(rules)].join(', '), yaml });
  }
  return out;
}
