// check: the current version, or with a cursor the versions from it on (the git driver walks the
// file's history for `fly check-resource --from`).
import type { CheckContext, Version as WireVersion } from '@hangar/resource-sdk';
import { openStore } from './drivers/index.js';
import { initialVersion, toWire } from './wire.js';
import type { Source } from './source.js';
import { tryParseVersion } from './version.js';

export async function check({
  source,
  version,
  log,
  signal,
  env,
}: CheckContext<Source>): Promise<WireVersion[]> {
  const initial = initialVersion(source);
  let cursor = undefined;
  // As in the reference, an empty number is no cursor.
  if (version?.['number']) {
    cursor = tryParseVersion(version['number']);
    if (!cursor) log.warn(`skipping invalid current version '${version['number']}'`);
  }
  await using store = await openStore(source, { log, signal, env, initial });
  return (await store.check(cursor)).map(toWire);
}
