// SHOULD: nothing is written to $HOME. Concourse does not forbid it (each get/put has a fresh container),
// but a reused check container keeps it, and credentials in ~/.netrc, ~/.ssh or a global git config are
// read by every later tool there; a hardened resource keeps them in its own temporary files.
import path from 'node:path';
import { CONCOURSE_PATHS, type Harness } from '../harness/harness.js';
import { containerPath } from '../harness/call.js';
import { snapshotTree } from '../harness/fs-snapshot.js';
import { verdict, type CheckResult } from './check-result.js';

export async function homeCheck(harness: Harness): Promise<CheckResult> {
  const written = new Set<string>();
  for (const call of harness.calls)
    for (const file of call.filesWritten) {
      const where = containerPath(call.mounts, file);
      if (where?.startsWith(`${CONCOURSE_PATHS.home}/`)) written.add(where);
    }
  for (const [rel, print] of await snapshotTree(path.join(harness.checkScratch, 'home')))
    if (print !== 'dir') written.add(path.posix.join(CONCOURSE_PATHS.home, rel));
  const files = [...written].sort();
  const shown = files.slice(0, 8).join(', ') + (files.length > 8 ? ` and ${files.length - 8} more` : '');
  return verdict(
    'home.untouched',
    'nothing is written to $HOME',
    files.length === 0 ? [] : [`files written to $HOME (${CONCOURSE_PATHS.home}): ${shown}`],
  );
}
