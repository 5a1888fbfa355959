// in: clone the version into the destination, verify it, and write metadata and `.git/*` files.
import { join } from 'node:path';
import type { InContext, VersionResult } from '@hangar/resource-sdk';
import { assertSafeRefName, retryTransient } from '@hangar/git';
import {
  checkoutRef,
  cloneRepository,
  deepenUntilFound,
  fetchRemoteRefsPointingAt,
  hasCommit,
} from './clone.js';
import { buildMetadata, readCommitInfo, writeGitFiles } from './metadata.js';
import { lfsEnv, openSourceSession, validateSource } from './remote-session.js';
import type { GetParams, Source } from './source.js';
import { updateSubmodules } from './submodules.js';
import { unlockGitCrypt, verifyCommitSignature, wantsVerification } from './verification.js';

const tagMode = (source: Source) => source.tag_filter !== undefined || source.tag_regex !== undefined;

export async function get({
  source,
  params,
  version,
  destination,
  env,
  log,
}: InContext<Source, GetParams>): Promise<VersionResult> {
  validateSource(source, 'in', log);
  const branch = version?.['branch'] ?? source.branch;
  if (version?.['branch'] !== undefined) assertSafeRefName(version['branch'], 'version.branch');
  for (const [index, name] of (params.fetch ?? []).entries())
    assertSafeRefName(name, `params.fetch[${index}]`);
  const ref = version?.['ref'];
  const depth = Math.max(0, params.depth ?? 0); // the reference ignores a depth below 1
  const sparse = (source.sparse_paths ?? []).filter((path) => path !== '.');
  const fetchTags = params.fetch_tags ?? source.fetch_tags ?? (tagMode(source) ? true : undefined);

  await using session = await openSourceSession(source, {
    env,
    log,
    extraEnv: lfsEnv(params),
  });
  const git = session.git.at(destination);
  log.info(
    `Cloning ${source.uri}${branch ? ` (branch ${branch})` : ''}${depth ? ` with depth ${depth}` : ''}`,
  );
  await retryTransient(() =>
    cloneRepository(session.git, {
      uri: source.uri,
      destination,
      branch,
      depth,
      allBranches: Boolean(params.all_branches),
      fetchTags,
      noCheckout: sparse.length > 0 || ref !== undefined,
    }),
  );
  for (const { name, value } of source.git_config ?? []) await git.run(['config', '--', name, value]);
  if (sparse.length) await git.run(['sparse-checkout', 'set', '--no-cone', '--', ...sparse]);

  if (ref !== undefined) {
    if (depth > 0) await deepenUntilFound(git, ref, depth, log);
    if (source.search_remote_refs && !(await hasCommit(git, ref)))
      await fetchRemoteRefsPointingAt(git, source.uri, ref);
    const where = branch ? `branch ${branch}` : 'the repository';
    await checkoutRef(git, ref, `version ${ref} is not in ${where}: was it force-pushed away?`);
  } else if (sparse.length) {
    await git.run(['checkout', '--quiet', '--force', '--detach', 'HEAD']);
  }

  if (wantsVerification(source)) await verifyCommitSignature(git, source, session.dir);
  if (source.git_crypt_key) await unlockGitCrypt(git, source.git_crypt_key, session.dir);
  await updateSubmodules(git, destination, source, params, env, log);
  const extra = params.fetch ?? [];
  if (extra.length) {
    const missing = [];
    for (const name of extra)
      if (!(await git.succeeds(['show-ref', '--verify', '--quiet', `refs/heads/${name}`])))
        missing.push(name);
    if (missing.length)
      await git.run([
        'fetch',
        '--quiet',
        'origin',
        ...missing.map((name) => `refs/heads/${name}:refs/heads/${name}`),
      ]);
  }

  const info = await readCommitInfo(git, params.timestamp_format ?? 'iso8601');
  const metadata = buildMetadata(info, source.uri);
  const describeOptions = (params.describe_ref_options ?? '--always --dirty --broken')
    .split(/\s+/)
    .filter(Boolean);
  const describeRef = (await git.exec(['describe', ...describeOptions])).stdout.trim();
  const returned = ref ?? info.commit;
  await writeGitFiles(join(destination, '.git'), info, metadata, {
    ref: returned,
    shortRefFormat: params.short_ref_format ?? '%s',
    describeRef,
  });
  if (params.clean_tags) {
    const tags = await git.lines(['tag', '--list']);
    if (tags.length) await git.run(['tag', '--delete', '--', ...tags]);
  }
  // As in the reference: `{ref}` alone (a tag's `commit` and a put's `branch` are not echoed);
  // without a ref, the commit of the branch tip it fetched.
  return { version: { ref: returned }, metadata };
}
