// Debian packages through the host's apt: candidate lookup, dependency closure, verified download.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ConfigError } from '@hangar/resource-sdk';
import { run } from './exec.js';
import type { LockedDeb } from './lock.js';

export interface AptRecord extends LockedDeb {
  depends: string[][];
  provides: string[];
}

/** Splits a Depends field into alternatives: 'a (>= 1) | b, c:any' -> [['a','b'],['c']]. */
export function parseDependsField(field: string): string[][] {
  return field
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alternative) =>
          alternative
            .trim()
            .replace(/\s*\(.*\)$/, '')
            .replace(/:any$/, ''),
        )
        .filter(Boolean),
    )
    .filter((group) => group.length > 0);
}

/** Parses `apt-cache show` stanzas (deb822). */
export function parseAptStanzas(text: string): AptRecord[] {
  const records: AptRecord[] = [];
  for (const stanza of text.split(/\n\n+/)) {
    const fields = new Map<string, string>();
    let key = '';
    for (const line of stanza.split('\n')) {
      if (/^\s/.test(line) && key) fields.set(key, `${fields.get(key)}\n${line.trim()}`);
      else {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        key = line.slice(0, colon);
        fields.set(key, line.slice(colon + 1).trim());
      }
    }
    const name = fields.get('Package');
    if (!name) continue;
    records.push({
      name,
      version: fields.get('Version') ?? '',
      arch: fields.get('Architecture') ?? '',
      sha256: fields.get('SHA256') ?? '',
      size: Number(fields.get('Size') ?? 0),
      filename: fields.get('Filename') ?? '',
      depends: [
        ...parseDependsField(fields.get('Pre-Depends') ?? ''),
        ...parseDependsField(fields.get('Depends') ?? ''),
      ],
      provides: parseDependsField(fields.get('Provides') ?? '').flat(),
    });
  }
  return records;
}

/**
 * The candidate of each named package for `arch`: the `name:arch` build, else an `Architecture: all`
 * one (unknown or purely virtual names are left out). Explicit qualifiers matter once the host has
 * a foreign architecture enabled, or plain names would mix builds of both.
 */
export async function aptCandidates(names: string[], arch: string): Promise<Map<string, AptRecord>> {
  const found = new Map<string, AptRecord>();
  for (const name of names) {
    for (const qualified of [`${name}:${arch}`, `${name}:all`]) {
      // One call per name: apt-cache fails the whole call when any name is purely virtual.
      const text = await run('apt-cache', ['show', '--no-all-versions', qualified], { okCodes: [0, 100] });
      const record = parseAptStanzas(text).find((candidate) => candidate.name === name);
      if (record) {
        found.set(name, record);
        break;
      }
    }
  }
  return found;
}

let nativeArch: Promise<string> | undefined;
/** This machine's dpkg architecture (asked once). */
export const dpkgArchitecture = () =>
  (nativeArch ??= run('dpkg', ['--print-architecture']).then((text) => text.trim()));

/** Fails with the fix when apt cannot serve `arch` packages on this machine. */
async function requireArchitecture(arch: string): Promise<void> {
  if (arch === 'all' || arch === (await dpkgArchitecture())) return;
  const foreign = (await run('dpkg', ['--print-foreign-architectures'])).split('\n');
  if (!foreign.includes(arch))
    throw new ConfigError(
      `apt cannot fetch ${arch} packages here: run 'dpkg --add-architecture ${arch} && apt-get update' (scripts/bootstrap does)`,
    );
}

/**
 * Packages of `arch` that provide a virtual name (e.g. 'pinentry'), from `apt-cache showpkg`, whose
 * Reverse Provides lists native packages bare and foreign ones as `name:arch`.
 */
async function providersOf(name: string, arch: string): Promise<string[]> {
  const native = await dpkgArchitecture();
  const text = await run('apt-cache', ['showpkg', name], { okCodes: [0, 100] });
  const section = text.split('Reverse Provides:')[1] ?? '';
  const providers = new Set<string>();
  for (const line of section.split('\n')) {
    const [qualified = ''] = line.trim().split(' ');
    const [provider = '', providerArch = native] = qualified.split(':');
    if (provider && providerArch === arch) providers.add(provider);
  }
  return [...providers];
}

/**
 * The Depends/Pre-Depends closure of `roots`, minus `excluded` and anything `provided` already
 * (lower layers). For alternatives the first installable one wins unless another is already chosen.
 */
export async function resolveClosure(
  roots: string[],
  excluded: ReadonlySet<string>,
  provided: ReadonlySet<string>,
  arch: string,
): Promise<AptRecord[]> {
  await requireArchitecture(arch);
  const chosen = new Map<string, AptRecord>();
  const cache = new Map<string, AptRecord | undefined>();
  const lookup = async (name: string): Promise<AptRecord | undefined> => {
    if (!cache.has(name)) cache.set(name, (await aptCandidates([name], arch)).get(name));
    return cache.get(name);
  };
  const satisfied = (name: string) =>
    excluded.has(name) ||
    provided.has(name) ||
    chosen.has(name) ||
    [...chosen.values()].some((record) => record.provides.includes(name));
  const queue = [...roots];
  while (queue.length) {
    const name = queue.shift() as string;
    if (satisfied(name)) continue;
    const record = await lookup(name);
    if (!record) throw new ConfigError(`apt has no candidate for '${name}'`);
    chosen.set(name, record);
    for (const alternatives of record.depends) {
      if (alternatives.some(satisfied)) continue;
      let picked: string | undefined;
      for (const alternative of alternatives) {
        if (await lookup(alternative)) {
          picked = alternative;
          break;
        }
        const providers = (await providersOf(alternative, arch)).filter(
          (provider) => !excluded.has(provider),
        );
        if (providers[0]) {
          picked = providers.sort()[0];
          break;
        }
      }
      if (!picked) throw new ConfigError(`cannot satisfy '${alternatives.join(' | ')}' for ${name}`);
      queue.push(picked);
    }
  }
  return [...chosen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * A verified .deb in the content-addressed cache (`<cache>/debs/<sha256>.deb`), downloaded with
 * `apt-get download name:arch=version` when missing (a foreign arch must be enabled in dpkg).
 */
export async function fetchDeb(deb: LockedDeb, cacheDir: string): Promise<string> {
  const dir = join(cacheDir, 'debs');
  const path = join(dir, `${deb.sha256}.deb`);
  if (await stat(path).catch(() => undefined)) return path;
  await requireArchitecture(deb.arch);
  await mkdir(dir, { recursive: true });
  const temp = await mkdtemp(join(dir, '.download-'));
  try {
    const wanted = `${deb.name}:${deb.arch}=${deb.version}`;
    await run('apt-get', ['download', wanted], { cwd: temp });
    const [file] = await readdir(temp);
    if (!file) throw new ConfigError(`apt-get download ${wanted} wrote nothing`);
    const actual = await sha256File(join(temp, file));
    if (actual !== deb.sha256)
      throw new ConfigError(
        `${deb.name} ${deb.version}: downloaded sha256 ${actual} does not match the lock's ${deb.sha256}`,
      );
    await rename(join(temp, file), path);
    return path;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
