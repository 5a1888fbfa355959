#!/usr/bin/env node
// @ts-check
// Runs pipeline.yml on this machine: the app (app/ in this directory) in a local git repository,
// a pool of environment locks and a version branch in two more, MinIO for the terraform state,
// OpenTofu, and the fake GitHub, Grafana and Slack. One `hangar run`: the commit goes through
// deploy-staging, then deploy-production, which tags and releases it.
// `--fail-tests` adds a failing acceptance check to the commit: staging fails in TESTS.
// Every expectation is checked here; `run()` also returns the end state for the tests.
import { FakeGitHub, FakeGrafana, FakeSlack, GitRepo, git, startMinio, tempDir } from '@hangar/testkit';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildStatuses,
  expectNoSecrets,
  expectThat,
  hangar,
  isMain,
  outputValues,
  readTerraformState,
  resourceTypeFlags,
  root,
} from '../lib/hangar.mjs';

const HERE = join(root, 'examples', 'deployment-pipeline');
/** The pipeline's custom `resource_types` → our resource types. */
export const RESOURCE_TYPES = {
  terraform: 'terraform',
  pool: 'pool',
  semver: 'semver',
  'github-release': 'github-release',
  'slack-notification': 'slack',
  'grafana-annotation': 'grafana-annotation',
};
export const ENVS = ['staging', 'production'];
export const INJECTED_FAILURE =
  '#!/bin/sh\n# Injected by run.mjs --fail-tests.\necho "checkout answered 500"\nexit 1\n';

/** A bare repository at `dir/name.git` on `branch`, holding one commit of `files`. */
export async function seedRepo(
  /** @type {string} */ dir,
  /** @type {string} */ name,
  /** @type {string} */ branch,
  /** @type {Record<string, string>} */ files,
  copyFrom = '',
) {
  const remote = join(dir, `${name}.git`);
  await GitRepo.initBare(remote, { branch });
  const repo = await GitRepo.init(join(dir, name), { branch });
  if (copyFrom) await cp(copyFrom, repo.path, { recursive: true });
  const sha = await repo.commit(`${name}: first commit`, files);
  await repo.addRemote('origin', remote);
  await repo.push('origin', branch);
  return { remote, sha };
}

/** Which environment locks are claimed and unclaimed on the pool's branch. */
export async function lockState(/** @type {string} */ remote) {
  const list = (/** @type {string} */ dir) =>
    git(['ls-tree', '--name-only', `main:environments/${dir}`], { cwd: remote }).then((out) =>
      out.split('\n').filter((name) => name && name !== '.gitkeep'),
    );
  return { claimed: await list('claimed'), unclaimed: await list('unclaimed') };
}

/**
 * What a run leaves outside the runner: tags, the version file, releases, annotations, locks,
 * terraform outputs per environment, Slack messages.
 * @param {{ app: { remote: string }, versions: { remote: string }, locks: { remote: string },
 *   minio: import('@hangar/testkit').MinioServer, github: FakeGitHub, grafana: FakeGrafana,
 *   slack: FakeSlack }} services
 */
export async function remoteState({ app, versions, locks, minio, github, grafana, slack }) {
  /** @type {Record<string, Record<string, unknown>>} */
  const outputs = {};
  for (const env of ENVS) {
    const key = `env:/${env}/widget/terraform.tfstate`;
    const state = await readTerraformState(minio, minio.versionedBucket, key);
    if (state) outputs[env] = outputValues(state);
  }
  return {
    tags: (await git(['tag', '--list'], { cwd: app.remote })).split('\n').filter(Boolean),
    versionFile: await git(['show', 'version:version'], { cwd: versions.remote }).catch(() => ''),
    releases: github.releases.map((r) => ({
      tag: r.tag_name,
      commit: r.target_commitish,
      body: r.body,
      assets: r.assets.map((a) => a.name),
    })),
    annotations: [...grafana.annotations.values()].map((a) => ({
      tags: a.tags,
      text: a.text,
      region: a.timeEnd > a.time,
    })),
    locks: await lockState(locks.remote),
    outputs,
    slack: slack.messages.map((m) => m.text ?? ''),
  };
}

/**
 * @param {{ echo?: boolean, failTests?: boolean, keepState?: string }} [options] `keepState`: a
 *   directory to copy hangar's state into before cleaning up (for `hangar serve`).
 */
export async function run(options = {}) {
  const echo = options.echo ?? false;
  const failTests = options.failTests ?? false;
  const say = (/** @type {string} */ text) => echo && process.stdout.write(`\x1b[1m==> ${text}\x1b[0m\n`);
  const work = await tempDir('hangar-deployment-pipeline-');
  const minio = await startMinio();
  const [github, grafana, slack] = await Promise.all([
    FakeGitHub.start(),
    FakeGrafana.start(),
    FakeSlack.start(),
  ]);
  try {
    say(`MinIO ${minio.endpoint}; fake GitHub ${github.url}, Grafana ${grafana.url}, Slack ${slack.url}`);
    const app = await seedRepo(
      work.path,
      'app',
      'main',
      failTests ? { 'tests/checks.d/99-injected.sh': INJECTED_FAILURE } : {},
      join(HERE, 'app'),
    );
    const locks = await seedRepo(work.path, 'locks', 'main', {
      'environments/claimed/.gitkeep': '',
      ...Object.fromEntries(ENVS.map((env) => [`environments/unclaimed/${env}`, `${env}\n`])),
    });
    const versions = await seedRepo(work.path, 'versions', 'version', {});

    const secrets = {
      aws_secret_access_key: minio.credentials.secretAccessKey,
      github_token: 'ghp_fake',
      grafana_token: 'glsa_fake',
      slack_webhook_url: slack.createWebhook('ops', { secret: 'webhook-canary-8d2e61b7c5a0' }),
    };
    const varsFile = join(work.path, 'vars.yml');
    await writeFile(
      varsFile,
      JSON.stringify({
        image_registry: 'registry.example.com', // only Concourse pulls the images
        app_repo: app.remote,
        locks_repo: locks.remote,
        version_repo: versions.remote,
        state_bucket: minio.versionedBucket,
        aws_region: minio.region,
        s3_endpoint: minio.endpoint,
        aws_access_key_id: minio.credentials.accessKeyId,
        github_owner: github.owner,
        github_repository: github.repo,
        github_api_url: github.url,
        github_uploads_url: github.uploadsUrl,
        grafana_url: grafana.url,
        ...secrets,
      }),
    );
    say(`hangar run pipeline.yml${failTests ? ' (with a failing acceptance check)' : ''}`);
    const result = await hangar(
      [
        'run',
        join(HERE, 'pipeline.yml'),
        '-p',
        'deployment',
        '--state',
        join(work.path, '.hangar'),
        '-l',
        varsFile,
        ...resourceTypeFlags(RESOURCE_TYPES),
      ],
      {
        cwd: work.path,
        env: {
          GIT_AUTHOR_NAME: 'Hangar',
          GIT_AUTHOR_EMAIL: 'ci@hangar.invalid',
          GIT_COMMITTER_NAME: 'Hangar',
          GIT_COMMITTER_EMAIL: 'ci@hangar.invalid',
        },
        echo,
      },
    );

    const end = {
      exitCode: result.code,
      builds: buildStatuses(result.output),
      ...(await remoteState({ app, versions, locks, minio, github, grafana, slack })),
      commit: app.sha,
      logs: result.output,
      secrets,
    };
    const shown = echo ? '' : result.output;
    expectNoSecrets(result.output, secrets);
    expectThat(end.locks.claimed.length === 0, 'a lock is still claimed', JSON.stringify(end.locks));
    expectThat(
      end.annotations.every((a) => a.region),
      'an annotation was not turned into a region',
      JSON.stringify(end.annotations),
    );
    if (failTests) checkFailedRun(end, shown);
    else checkGoodRun(end, shown);
    const { logs: _logs, secrets: _secrets, ...summary } = end;
    say(`end state: ${JSON.stringify(summary, null, 2)}`);
    return end;
  } finally {
    if (options.keepState) await cp(join(work.path, '.hangar'), options.keepState, { recursive: true });
    await Promise.all([github.close(), grafana.close(), slack.close()]);
    await minio.stop();
    await work.remove();
  }
}

/** @typedef {{ exitCode: number, builds: Record<string, string>, tags: string[], versionFile: string,
 *   releases: { tag: string, commit: string, body: string | null, assets: string[] }[],
 *   annotations: { tags: string[], text: string, region: boolean }[],
 *   outputs: Record<string, Record<string, unknown>>, slack: string[], commit: string, logs: string }} EndState */

function checkGoodRun(/** @type {EndState} */ end, /** @type {string} */ shown) {
  expectThat(end.exitCode === 0, `hangar run exited ${end.exitCode}, expected 0`, shown);
  expectThat(
    end.builds['deployment/deploy-staging #1'] === 'succeeded' &&
      end.builds['deployment/deploy-production #1'] === 'succeeded',
    'expected deploy-staging #1 and deploy-production #1 to succeed',
    JSON.stringify(end.builds),
  );
  expectThat(
    end.tags.join() === 'v0.1.0' && end.versionFile === '0.1.0',
    'expected tag v0.1.0 and version 0.1.0',
  );
  const release = end.releases[0];
  expectThat(
    end.releases.length === 1 &&
      release?.tag === 'v0.1.0' &&
      release.commit === end.commit &&
      release.assets.join() === 'widget-0.1.0.tgz',
    'expected one release v0.1.0 of the commit with widget-0.1.0.tgz',
    JSON.stringify(end.releases),
  );
  expectThat(
    end.annotations.length === 2 && ENVS.every((env) => end.annotations.some((a) => a.tags.includes(env))),
    'expected one annotation region per environment',
    JSON.stringify(end.annotations),
  );
  expectThat(
    JSON.stringify(end.outputs['staging']?.['instances']) === '["staging-0","staging-1"]' &&
      JSON.stringify(end.outputs['production']?.['instances']) ===
        '["production-0","production-1","production-2"]',
    'expected 2 staging and 3 production instances applied',
    JSON.stringify(end.outputs),
  );
  expectThat(end.slack.length === 0, 'Slack was notified of a successful run', JSON.stringify(end.slack));
}

function checkFailedRun(/** @type {EndState} */ end, /** @type {string} */ shown) {
  expectThat(end.exitCode !== 0, 'hangar run succeeded despite the failing acceptance check', shown);
  expectThat(
    end.builds['deployment/deploy-staging #1'] === 'failed' &&
      !('deployment/deploy-production #1' in end.builds),
    'expected deploy-staging #1 to fail and production never to run',
    JSON.stringify(end.builds),
  );
  expectThat(
    end.slack.length === 1 && (end.slack[0] ?? '').startsWith('Deploy to staging failed: build 1'),
    'expected exactly one Slack message about staging build 1',
    JSON.stringify(end.slack),
  );
  expectThat(
    /\| ✗ task: tests \(exit status 1\)/.test(end.logs) && end.logs.includes('FAIL 99-injected.sh'),
    'expected the TESTS step to fail on the injected check',
    shown,
  );
  expectThat(end.tags.length === 0 && end.releases.length === 0, 'a failed deploy was tagged or released');
}

if (isMain(import.meta.url)) {
  run({ echo: true, failTests: process.argv.includes('--fail-tests') }).then(
    () => process.stdout.write('deployment-pipeline: all expectations met\n'),
    (/** @type {unknown} */ error) => {
      process.stderr.write(
        `deployment-pipeline: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
