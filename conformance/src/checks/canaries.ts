// Secret canaries: every declared secret field gets a unique marker string; the marker must never show up
// in stdout, stderr, files the subject wrote, or the argv/environment of its processes while they run.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONCOURSE_PATHS, Harness } from '../harness/harness.js';
import { containerPath, type Call } from '../harness/call.js';
import { snapshotTree } from '../harness/fs-snapshot.js';
import { isPlainObject, type Version } from '../protocol/types.js';
import { selected, skipped, verdict, type CheckResult } from './check-result.js';
import type { SuiteConfig } from './suite-config.js';

export interface Canary {
  field: string;
  value: string;
}

/** Replaces the value at `path` (dot-separated keys) in a copy of `object`; missing parents are created. */
export function setPath(
  object: Record<string, unknown>,
  keys: string[],
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = keys;
  if (head === undefined) return object;
  const child = object[head];
  return {
    ...object,
    [head]: rest.length === 0 ? value : setPath(isPlainObject(child) ? child : {}, rest, value),
  };
}

/** `private_key` means `source.private_key`; `params.x` applies to both get and put params. */
export function normalizeSecretField(field: string): string {
  return field.startsWith('source.') || field.startsWith('params.') ? field : `source.${field}`;
}

export function plantCanaries(config: SuiteConfig): { canaries: Canary[]; config: SuiteConfig } {
  let { source, getParams, putParams } = config;
  const canaries: Canary[] = [];
  for (const raw of config.secrets ?? []) {
    const field = normalizeSecretField(raw);
    const value = Harness.token('hangarcanary');
    canaries.push({ field, value });
    const [root, ...keys] = field.split('.');
    if (root === 'source') source = setPath(source, keys, value);
    else {
      getParams = setPath(getParams ?? {}, keys, value);
      if (putParams !== undefined) putParams = setPath(putParams, keys, value);
    }
  }
  return { canaries, config: { ...config, source, getParams, putParams } };
}

const TITLES = {
  'secrets.not-leaked': 'secret values never appear in stdout, stderr or files under $1',
  'secrets.not-on-disk': 'secret values are not left in files outside $1 (/tmp, $HOME)',
  'secrets.not-in-processes': 'secret values never appear in the argv or environment of a process',
} as const;
type SecretCheck = keyof typeof TITLES;
const SECRET_CHECKS = Object.keys(TITLES) as SecretCheck[];

/**
 * Runs check/in/out with canaries, including error paths, and scans everything they left. Output and
 * the artifact in `$1` reach the build log and later steps (MUST); scratch files and process argv stay
 * in the container (SHOULD).
 */
export async function runCanaries(
  harness: Harness,
  config: SuiteConfig,
  latest: Version | undefined,
  unknown: Version,
): Promise<CheckResult[]> {
  const wanted = SECRET_CHECKS.filter((id) => !selected(id, config.skip ?? []));
  const notRun = (reason: string): CheckResult[] =>
    SECRET_CHECKS.map((id) => skipped(id, TITLES[id], wanted.includes(id) ? reason : 'skipped (--skip)'));
  if (wanted.length === 0) return notRun('skipped (--skip)');
  if ((config.secrets ?? []).length === 0) return notRun('no secret fields declared (--secret)');
  const planted = plantCanaries(config);
  const { source, getParams, putParams, inputs } = planted.config;
  const opts = (label: string) => ({
    label: `${label} [canary]`,
    purpose: 'canary' as const,
    watchProcesses: true,
  });
  const calls: Call[] = await Promise.all([
    harness.call('check', { source }, opts('check')),
    harness.call(
      'check',
      { source: { ...source, hangar_conformance_unknown_key: 'x' } },
      opts('check (unknown key)'),
    ),
    harness.call('in', { source, version: unknown, params: getParams }, opts('in (missing version)')),
    ...(latest
      ? [
          harness.call('check', { source, version: latest }, opts('check (from latest)')),
          harness.call('in', { source, version: latest, params: getParams }, opts('in (latest)')),
        ]
      : []),
    harness.call('out', { source }, { ...opts('out (no params)'), ...(inputs ? { inputs } : {}) }),
    ...(putParams !== undefined
      ? [
          harness.call(
            'out',
            { source, params: putParams },
            { ...opts('out'), ...(inputs ? { inputs } : {}) },
          ),
        ]
      : []),
  ]);

  const findings = new Map<SecretCheck, Set<string>>(SECRET_CHECKS.map((id) => [id, new Set()]));
  const outputs = config.secretOutputs ?? [];
  const declared = (where: string): boolean =>
    outputs.some((o) => where === o || where.startsWith(o.endsWith('/') ? o : `${o}/`));
  const inDestination = (where: string): boolean =>
    [CONCOURSE_PATHS.get, CONCOURSE_PATHS.put].some((d) => where.startsWith(`${d}/`));
  const scan = (id: SecretCheck, where: string, text: string): void => {
    for (const canary of planted.canaries)
      for (const form of forms(canary.value))
        if (text.includes(form)) findings.get(id)?.add(`${canary.field} leaked in ${where}`);
  };
  const scanFile = async (where: string, file: string, what: string): Promise<void> => {
    if (declared(where)) return;
    const id = inDestination(where) ? 'secrets.not-leaked' : 'secrets.not-on-disk';
    scan(id, `file ${where} ${what}`, await readText(file));
  };
  for (const call of [...harness.calls].sort((a, b) => a.id - b.id).filter((c) => c.purpose === 'canary')) {
    scan('secrets.not-leaked', `stdout of ${call.label}`, call.result.stdout);
    scan('secrets.not-leaked', `stderr of ${call.label}`, call.result.stderr);
    for (const file of call.filesWritten)
      await scanFile(containerPath(call.mounts, file) ?? file, file, `written by ${call.label}`);
    for (const seen of call.result.sightings) {
      const during = `of pid ${seen.pid} during ${call.label}`;
      scan('secrets.not-in-processes', `argv ${during} (${seen.cmdline.slice(0, 60)})`, seen.cmdline);
      scan('secrets.not-in-processes', `environment ${during}`, seen.environ);
    }
  }
  // check containers are reused: whatever check left in its /tmp or $HOME outlives the call.
  for (const [dir, target] of [
    ['tmp', CONCOURSE_PATHS.tmp],
    ['home', CONCOURSE_PATHS.home],
  ] as const) {
    const root = path.join(harness.checkScratch, dir);
    for (const [rel, print] of await snapshotTree(root))
      if (print !== 'dir')
        await scanFile(path.posix.join(target, rel), path.join(root, rel), 'left by check');
  }
  const ids = calls.map((c) => c.id);
  return SECRET_CHECKS.map((id) =>
    wanted.includes(id)
      ? verdict(id, TITLES[id], [...(findings.get(id) ?? [])], ids)
      : skipped(id, TITLES[id], 'skipped (--skip)'),
  );
}

function forms(value: string): string[] {
  return [value, Buffer.from(value).toString('base64').replace(/=+$/, '')];
}

async function readText(file: string): Promise<string> {
  try {
    return (await readFile(file)).toString('latin1');
  } catch {
    return '';
  }
}
