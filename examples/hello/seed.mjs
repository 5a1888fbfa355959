// @ts-check
// The demo's two repositories, created under `work`: app.git (a script, its test and the task file
// that runs it, on main) and version.git (an empty `version` branch for the semver resource).
// Used by `npm run demo` and by the Concourse suite, which serves the same repositories.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const git = (/** @type {string} */ cwd, /** @type {string[]} */ ...args) =>
  execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();

/** @returns {{ app: string, version: string }} the paths of the two bare repositories */
export function seedRepositories(/** @type {string} */ work) {
  const identity = ['-c', 'user.name=Hangar Demo', '-c', 'user.email=demo@hangar.invalid'];
  const seed = join(work, 'seed');
  mkdirSync(join(seed, 'ci'), { recursive: true });
  writeFileSync(join(seed, 'hello.sh'), '#!/bin/sh\necho "hello, ${1:-world}"\n', { mode: 0o755 });
  writeFileSync(
    join(seed, 'ci', 'test.yml'),
    [
      'platform: linux',
      // Concourse needs an image for every task; hangar's host runtime ignores it.
      'image_resource: { type: registry-image, source: { repository: busybox } }',
      'inputs: [{ name: app }]',
      'run:',
      '  path: sh',
      '  args: [-c, \'test "$(sh app/hello.sh hangar)" = "hello, hangar" && echo "1 test passed"\']',
      '',
    ].join('\n'),
  );
  git(work, 'init', '-q', '-b', 'main', seed);
  git(seed, 'add', '.');
  git(seed, ...identity, 'commit', '-q', '-m', 'hello');
  git(work, 'clone', '-q', '--bare', seed, join(work, 'app.git'));
  const versions = join(work, 'version-seed');
  git(work, 'init', '-q', '-b', 'version', versions);
  git(versions, ...identity, 'commit', '-q', '--allow-empty', '-m', 'version store');
  git(work, 'clone', '-q', '--bare', versions, join(work, 'version.git'));
  return { app: join(work, 'app.git'), version: join(work, 'version.git') };
}
