// out: `get_latest` > `file` > bump params, as in the reference. Every write is confirmed by the
// driver before a version is reported: a failed push or write fails the put.
import { readFile } from 'node:fs/promises';
import { ConfigError, resolveInside, type OutContext, type VersionResult } from '@hangar/resource-sdk';
import { openStore } from './drivers/index.js';
import type { PutParams, Source } from './source.js';
import { applyBump, bumpWarning, formatVersion, hasBump, parseVersion } from './version.js';
import { initialVersion, result } from './wire.js';

export async function put({
  source,
  params,
  sources,
  log,
  signal,
  env,
}: OutContext<Source, PutParams>): Promise<VersionResult> {
  const initial = initialVersion(source);
  if (!params.get_latest && !params.file && !hasBump(params))
    throw new ConfigError(
      'no version bump specified: set params.bump, params.pre, params.build, params.file or params.get_latest',
    );
  // Validate the bump before touching the remote.
  if (!params.get_latest && !params.file) {
    applyBump(initial, params);
    const warning = bumpWarning(params);
    if (warning) log.warn(warning);
  }

  await using store = await openStore(source, { log, signal, env, initial });
  if (params.get_latest) {
    const latest = (await store.check(undefined)).at(-1) ?? initial;
    log.info(`latest version: ${formatVersion(latest)}`);
    return result(latest);
  }
  if (params.file) {
    const path = resolveInside(sources, params.file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `cannot read params.file '${params.file}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { cause: error },
      );
    }
    const version = parseVersion(text.trim().split(/\s+/)[0] ?? '', `params.file '${params.file}' content`);
    await store.set(version);
    return result(version);
  }
  const stored = await store.bump((current) => {
    const next = applyBump(current, params);
    log.info(`bumping ${formatVersion(current)} to ${formatVersion(next)}`);
    return next;
  });
  return result(stored);
}
