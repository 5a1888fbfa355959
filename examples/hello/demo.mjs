#!/usr/bin/env node
// `npm run demo`: install and build what the demo needs, create two local git repositories (the
// app and the version store), then run examples/hello/pipeline.yml with `hangar run` on the host
// runtime. Needs the git and semver resource bundles; says which one is missing otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedRepositories } from './seed.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const types = ['git', 'semver'];
const say = (text) => process.stdout.write(`\x1b[1m==> ${text}\x1b[0m\n`);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();

const missingPackages = types.filter((t) => !existsSync(join(root, 'resources', t, 'package.json')));
if (missingPackages.length > 0) {
  for (const t of missingPackages) {
    process.stderr.write(
      `demo: the ${t} resource bundle resources/${t}/dist/resource.js is missing: the @hangar/${t}-resource package does not exist in this checkout yet\n`,
    );
  }
  process.exit(1);
}

if (!existsSync(join(root, 'node_modules'))) {
  say('npm install');
  run('npm', ['install', '--no-audit', '--no-fund']);
}
say('building the runner and the git and semver resources');
run('npx', [
  'turbo',
  'run',
  'build',
  '--output-logs=errors-only',
  '--filter=@hangar/runner',
  ...types.map((t) => `--filter=@hangar/${t}-resource`),
]);
for (const t of types) {
  const bundle = join('resources', t, 'dist', 'resource.js');
  if (!existsSync(join(root, bundle))) {
    process.stderr.write(
      `demo: the ${t} resource bundle ${bundle} was not built (npm run build -w @hangar/${t}-resource)\n`,
    );
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'hangar-demo-'));
say(`creating local repositories in ${work}`);
const repos = seedRepositories(work);

say('hangar run examples/hello/pipeline.yml');
const result = spawnSync(
  process.execPath,
  [
    join(root, 'runner', 'bin', 'hangar.js'),
    'run',
    join(root, 'examples', 'hello', 'pipeline.yml'),
    // the tasks' busybox image is for Concourse; the embedded default runs them on this machine
    '--runtime',
    'host',
    '-p',
    'hello',
    '--state',
    join(work, '.hangar'),
    '-v',
    `app_uri=${repos.app}`,
    '-v',
    `version_uri=${repos.version}`,
  ],
  {
    stdio: 'inherit',
    cwd: work,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Hangar Demo',
      GIT_AUTHOR_EMAIL: 'demo@hangar.invalid',
      GIT_COMMITTER_NAME: 'Hangar Demo',
      GIT_COMMITTER_EMAIL: 'demo@hangar.invalid',
    },
  },
);
if (result.status === 0) {
  say(`tags in app.git: ${git(repos.app, 'tag', '--list') || '(none)'}`);
}
process.exit(result.status ?? 1);
