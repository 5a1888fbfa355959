// The examples on a real Concourse (web + containerd worker, our eight types baked into the worker)
// and on hangar, each against fresh services: the same build statuses and the same remote state.
// One stack for the file. Assertions are on state, never on task logs (concourse/concourse#6775).
import { describe, test } from 'vitest';
import {
  FakeGitHub,
  FakeGrafana,
  FakeSlack,
  GitRepo,
  startGitDaemon,
  startMinio,
  tempDir,
} from '@hangar/testkit';
import { join } from 'node:path';
import { BROKEN_TF, MAIN_TF, STATE_KEY } from '../../continuous-terraform/run.mjs';
import {
  ENVS,
  INJECTED_FAILURE,
  RESOURCE_TYPES,
  remoteState,
  seedRepo,
} from '../../deployment-pipeline/run.mjs';
import { concourseForThisFile } from './stack.js';
import { differential, rehost, type Scenario } from '../../lib/differential.mjs';
import { hello } from '../../lib/hello-scenario.mjs';
import { outputValues, readTerraformState } from '../../lib/hangar.mjs';

const examples = join(import.meta.dirname, '..', '..');
const real = concourseForThisFile(); // the real Concourse of this file

/** Build ids differ between runners; the rest of a message must not. */
const withoutBuildId = (text: string | undefined) =>
  (text ?? '').replace(/\/builds\/\d+(\n?)$/, '/builds/ID$1');

interface TerraformEnd {
  outputs: Record<string, unknown>;
  serial: number | undefined;
  slack: { channel: string; icon_emoji: string | undefined; text: string }[];
}

/** examples/continuous-terraform: a good commit is applied into MinIO, a broken one tells Slack. */
const continuousTerraform: Scenario<TerraformEnd> = {
  name: 'continuous-terraform',
  pipeline: join(examples, 'continuous-terraform', 'pipeline.yml'),
  resourceTypes: { terraform: 'terraform', 'slack-notification': 'slack' },
  async setup(at, registry) {
    const work = await tempDir('hangar-continuous-terraform-');
    const [minio, slack, daemon] = await Promise.all([
      startMinio(),
      FakeSlack.start(),
      startGitDaemon(work.path),
    ]);
    await GitRepo.initBare(join(work.path, 'infrastructure.git'), { branch: 'develop' });
    const repo = await GitRepo.init(join(work.path, 'infrastructure'), { branch: 'develop' });
    await repo.addRemote('origin', join(work.path, 'infrastructure.git'));
    await repo.commit('two instances', { 'terraform/main.tf': MAIN_TF });
    await repo.push('origin', 'develop');
    return {
      vars: {
        image_registry: registry,
        infrastructure_repo: `git://${await at(daemon.port)}/infrastructure.git`,
        state_bucket: minio.versionedBucket,
        aws_region: minio.region,
        s3_endpoint: await rehost(minio.endpoint, at),
        aws_access_key_id: minio.credentials.accessKeyId,
        aws_secret_access_key: minio.credentials.secretAccessKey,
        slack_webhook_url: await rehost(slack.createWebhook('develop'), at),
      },
      phases: [
        async () => {
          await repo.commit('typo in a variable name', { 'terraform/main.tf': BROKEN_TF });
          await repo.push('origin', 'develop');
        },
      ],
      state: async () => {
        const state = await readTerraformState(minio, minio.versionedBucket, `env:/develop/${STATE_KEY}`);
        return {
          outputs: outputValues(state),
          serial: state?.serial,
          slack: slack.messages.map((m) => ({
            channel: m.channel,
            icon_emoji: m.icon_emoji,
            text: withoutBuildId(m.text),
          })),
        };
      },
      close: async () => {
        await Promise.all([slack.close(), minio.stop(), daemon.stop()]);
        await work.remove();
      },
    };
  },
};

type DeploymentEnd = Awaited<ReturnType<typeof remoteState>>;

/**
 * examples/deployment-pipeline: one commit through staging and production, tagged and released;
 * with `failTests`, a commit whose acceptance check fails stops in staging.
 */
const deployment = (failTests: boolean): Scenario<DeploymentEnd> => ({
  name: failTests ? 'deployment-failing' : 'deployment',
  pipeline: join(examples, 'deployment-pipeline', 'pipeline.yml'),
  resourceTypes: RESOURCE_TYPES,
  async setup(at, registry) {
    const work = await tempDir('hangar-deployment-');
    const [minio, github, grafana, slack, daemon] = await Promise.all([
      startMinio(),
      FakeGitHub.start(),
      FakeGrafana.start(),
      FakeSlack.start(),
      startGitDaemon(work.path),
    ]);
    const injected = failTests ? { 'tests/checks.d/99-injected.sh': INJECTED_FAILURE } : {};
    const app = await seedRepo(
      work.path,
      'app',
      'main',
      injected,
      join(examples, 'deployment-pipeline', 'app'),
    );
    const locks = await seedRepo(work.path, 'locks', 'main', {
      'environments/claimed/.gitkeep': '',
      ...Object.fromEntries(ENVS.map((env) => [`environments/unclaimed/${env}`, `${env}\n`])),
    });
    const versions = await seedRepo(work.path, 'versions', 'version', {});
    const gitHost = await at(daemon.port);
    return {
      vars: {
        image_registry: registry,
        app_repo: `git://${gitHost}/app.git`,
        locks_repo: `git://${gitHost}/locks.git`,
        version_repo: `git://${gitHost}/versions.git`,
        state_bucket: minio.versionedBucket,
        aws_region: minio.region,
        s3_endpoint: await rehost(minio.endpoint, at),
        aws_access_key_id: minio.credentials.accessKeyId,
        aws_secret_access_key: minio.credentials.secretAccessKey,
        github_owner: github.owner,
        github_repository: github.repo,
        github_token: 'ghp_fake',
        github_api_url: await rehost(github.url, at),
        github_uploads_url: await rehost(github.uploadsUrl, at),
        grafana_url: await rehost(grafana.url, at),
        grafana_token: 'glsa_fake',
        slack_webhook_url: await rehost(slack.createWebhook('ops'), at),
      },
      state: async () => {
        const end = await remoteState({ app, versions, locks, minio, github, grafana, slack });
        return { ...end, slack: end.slack.map(withoutBuildId) };
      },
      close: async () => {
        await Promise.all([github.close(), grafana.close(), slack.close(), minio.stop(), daemon.stop()]);
        await work.remove();
      },
    };
  },
});

// Each example has services of its own: they run side by side on the one stack.
describe.concurrent('examples on Concourse and on hangar', () => {
  test('hello: unit, then release tags v0.2.0 and writes the version', async ({ expect }) => {
    const { hangar, concourse } = await differential(real.stack, hello);
    expect(hangar.builds).toEqual({ 'hello/unit #1': 'succeeded', 'hello/release #1': 'succeeded' });
    expect(hangar.state).toEqual({ tags: ['v0.2.0'], version: '0.2.0' });
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });

  test('continuous-terraform: build 1 applies, the broken build 2 fails and tells Slack once', async ({
    expect,
  }) => {
    const { hangar, concourse } = await differential(real.stack, continuousTerraform);
    expect(hangar.builds).toEqual({
      'continuous-terraform/deploy-infrastructure #1': 'succeeded',
      'continuous-terraform/deploy-infrastructure #2': 'failed',
    });
    expect(hangar.state.outputs).toEqual({ instances: ['instance-0', 'instance-1'], applied_by_build: '1' });
    expect(hangar.state.slack).toEqual([
      {
        channel: 'C0DEVELOP',
        icon_emoji: ':airplane:',
        text: 'Build 2 failed. Check it out at http://127.0.0.1:8080/builds/ID\n',
      },
    ]);
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });

  test('deployment-pipeline: staging, then production, tagged v0.1.0 and released', async ({ expect }) => {
    const { hangar, concourse } = await differential(real.stack, deployment(false));
    expect(hangar.builds).toEqual({
      'deployment/deploy-staging #1': 'succeeded',
      'deployment/deploy-production #1': 'succeeded',
    });
    expect(hangar.state.tags).toEqual(['v0.1.0']);
    expect(hangar.state.releases.map((r) => r.assets)).toEqual([['widget-0.1.0.tgz']]);
    expect(hangar.state.locks).toEqual({ claimed: [], unclaimed: ['production', 'staging'] });
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });

  test('deployment-pipeline, failing acceptance check: staging fails, lock released, Slack told', async ({
    expect,
  }) => {
    const { hangar, concourse } = await differential(real.stack, deployment(true));
    expect(hangar.builds).toEqual({ 'deployment-failing/deploy-staging #1': 'failed' });
    expect(hangar.state.locks).toEqual({ claimed: [], unclaimed: ['production', 'staging'] });
    expect(hangar.state.slack).toEqual([
      'Deploy to staging failed: build 1, http://127.0.0.1:8080/teams/main/pipelines/deployment-failing/jobs/deploy-staging/builds/ID\n',
    ]);
    expect(hangar.state.tags).toEqual([]);
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });
});
