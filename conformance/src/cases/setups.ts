// Case setups: named TypeScript functions that create a real remote for a case and can probe it.
// Case files stay declarative (`setup: {use: files, with: {...}}`); resource packages register setups
// backed by @hangar/testkit services (git daemons, MinIO, registries) under their own names.
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { snapshotTree } from '../harness/fs-snapshot.js';

export interface SetupContext {
  /** A fresh directory owned by this case; removed after it. */
  dir: string;
  /** The case file, for resolving relative paths. */
  caseFile: string;
}

export interface SetupResult {
  /** Values the case refers to as `${setup.<name>}`. */
  values: Record<string, unknown>;
  /** Snapshot of the remote (any JSON-able value), for `remote: unchanged|changed` and the bad-input corpus. */
  probe?: () => Promise<unknown>;
  teardown?: () => Promise<void>;
}

export type CaseSetup = (options: Record<string, unknown>, context: SetupContext) => Promise<SetupResult>;

const registry = new Map<string, CaseSetup>();

export function registerSetup(name: string, setup: CaseSetup): void {
  registry.set(name, setup);
}

export function getSetup(name: string): CaseSetup {
  const setup = registry.get(name);
  if (!setup) throw new Error(`unknown setup "${name}" (known: ${[...registry.keys()].sort().join(', ')})`);
  return setup;
}

/** A module passed with --setups exports `setups: Record<string, CaseSetup>` (or default), or registers itself. */
export async function importSetupModule(specifier: string): Promise<void> {
  // A path to an existing file (`resources/x/setups.mjs` too), else a package specifier.
  const url =
    specifier.startsWith('.') || path.isAbsolute(specifier) || existsSync(specifier)
      ? pathToFileURL(path.resolve(specifier)).href
      : specifier;
  const mod = (await import(url)) as {
    setups?: Record<string, CaseSetup>;
    default?: Record<string, CaseSetup>;
  };
  for (const [name, setup] of Object.entries(mod.setups ?? mod.default ?? {})) registerSetup(name, setup);
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} must be a map of strings`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** `files`: a directory holding the given files; `${setup.dir}` is its path; the probe hashes its tree. */
registerSetup('files', async (options, context) => {
  const dir = path.join(context.dir, 'remote');
  await mkdir(dir, { recursive: true });
  for (const [rel, content] of Object.entries(stringRecord(options['files'] ?? {}, 'setup files'))) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return { values: { dir }, probe: async () => Object.fromEntries(await snapshotTree(dir)) };
});

const run = promisify(execFile);

/**
 * `command`: runs `with.run` in `sh` (cwd and $HANGAR_SETUP_DIR = a fresh dir). A JSON object on its stdout
 * becomes the values; `with.probe`, if given, is a command whose stdout is the remote's state; `with.teardown` too.
 */
registerSetup('command', async (options, context) => {
  const env = { ...process.env, HANGAR_SETUP_DIR: context.dir };
  const sh = async (script: unknown): Promise<string> =>
    (await run('/bin/sh', ['-c', String(script)], { cwd: context.dir, env, maxBuffer: 16 * 1024 * 1024 }))
      .stdout;
  const stdout = await sh(options['run'] ?? 'true');
  let values: Record<string, unknown> = { dir: context.dir, stdout: stdout.trim() };
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      values = { ...values, ...parsed };
  } catch {
    // plain text output
  }
  const result: SetupResult = { values };
  if (options['probe'] !== undefined) result.probe = () => sh(options['probe']);
  if (options['teardown'] !== undefined) result.teardown = async () => void (await sh(options['teardown']));
  return result;
});
