#!/usr/bin/env node
// @ts-check
// Runs pipeline.yml on this machine: a local git repository (branch develop), MinIO for the
// terraform state, OpenTofu, and a fake Slack. Two runs of `hangar run`:
//   1. the first commit to develop triggers build 1, which applies two instances;
//   2. a broken commit triggers build 2, which fails and posts once to #develop.
// Every expectation is checked here; `run()` also returns the end state for the tests.
import { FakeSlack, GitRepo, startMinio, tempDir } from '@hangar/testkit';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  expectNoSecrets,
  expectThat,
  hangar,
  isMain,
  outputValues,
  readTerraformState,
  resourceTypeFlags,
  root,
} from '../lib/hangar.mjs';

const PIPELINE = join(root, 'examples', 'continuous-terraform', 'pipeline.yml');
export const STATE_KEY = 'infrastructure/terraform.tfstate';

export const MAIN_TF = `variable "instance_count" {
  type = number
}
variable "build_name" {
  type    = string
  default = ""
}
resource "terraform_data" "instance" {
  count = var.instance_count
  input = "instance-\${count.index}"
}
output "instances" {
  value = terraform_data.instance[*].output
}
output "applied_by_build" {
  value = var.build_name
}
`;
// A reference to a variable that is not declared: plan fails, as a real typo would.
export const BROKEN_TF = MAIN_TF.replace('var.instance_count\n', 'var.instance_count_typo\n');

/**
 * @param {{ echo?: boolean }} [options]
 */
export async function run(options = {}) {
  const echo = options.echo ?? false;
  const shown = (/** @type {{ output: string }} */ result) => (echo ? '' : result.output);
  const say = (/** @type {string} */ text) => echo && process.stdout.write(`\x1b[1m==> ${text}\x1b[0m\n`);
  const work = await tempDir('hangar-continuous-terraform-');
  const minio = await startMinio();
  const slack = await FakeSlack.start();
  try {
    say(`MinIO at ${minio.endpoint}, fake Slack at ${slack.url}, work in ${work.path}`);
    const remote = join(work.path, 'infrastructure.git');
    await GitRepo.initBare(remote, { branch: 'develop' });
    const repo = await GitRepo.init(join(work.path, 'infrastructure'), { branch: 'develop' });
    await repo.addRemote('origin', remote);
    const good = await repo.commit('two instances', { 'terraform/main.tf': MAIN_TF });
    await repo.push('origin', 'develop');

    const secrets = {
      aws_secret_access_key: minio.credentials.secretAccessKey,
      slack_webhook_url: slack.createWebhook('develop', { secret: 'webhook-canary-3f9c2a71d04b' }),
    };
    const varsFile = join(work.path, 'vars.yml');
    await writeFile(
      varsFile,
      JSON.stringify({
        image_registry: 'registry.example.com', // only Concourse pulls the images
        infrastructure_repo: remote,
        state_bucket: minio.versionedBucket,
        aws_region: minio.region,
        s3_endpoint: minio.endpoint,
        aws_access_key_id: minio.credentials.accessKeyId,
        ...secrets,
      }),
    );
    const args = [
      'run',
      PIPELINE,
      '-p',
      'continuous-terraform',
      '--state',
      join(work.path, '.hangar'),
      '-l',
      varsFile,
      ...resourceTypeFlags({ terraform: 'terraform', 'slack-notification': 'slack' }),
    ];

    say('commit to develop → hangar run (expect an apply)');
    const applied = await hangar(args, { cwd: work.path, echo });
    expectThat(applied.code === 0, `the first run exited ${applied.code}, expected 0`, shown(applied));
    const state = await readState(minio);
    const outputs = outputValues(state);
    expectThat(
      JSON.stringify(outputs.instances) === '["instance-0","instance-1"]' && outputs.applied_by_build === '1',
      'the state in MinIO does not hold the outputs of build 1',
      JSON.stringify(outputs),
    );
    expectThat(slack.messages.length === 0, 'Slack was notified although build 1 succeeded');

    say('broken commit to develop → hangar run (expect a failure and one Slack message)');
    const broken = await repo.commit('typo in a variable name', { 'terraform/main.tf': BROKEN_TF });
    await repo.push('origin', 'develop');
    const failed = await hangar(args, { cwd: work.path, echo });
    expectThat(failed.code !== 0, 'the run of the broken commit succeeded', shown(failed));
    expectThat(
      /Reference to undeclared input variable/.test(failed.output),
      "the failed build's log does not say why the plan failed",
      shown(failed),
    );
    const messages = slack.messages.map((m) => ({
      channel: m.channel,
      text: m.text,
      icon_emoji: m.icon_emoji,
    }));
    expectThat(
      messages.length === 1 &&
        /^Build 2 failed\. Check it out at http:\/\/\S+\/builds\/\d+\n$/.test(messages[0]?.text ?? ''),
      'expected exactly one Slack message naming build 2',
      JSON.stringify(messages),
    );
    const after = await readState(minio);
    expectThat(after.serial === state.serial, 'the broken commit changed the applied state');

    const logs = applied.output + failed.output;
    expectNoSecrets(logs, secrets);
    say(
      `state serial ${after.serial}, outputs ${JSON.stringify(outputs)}; Slack: ${JSON.stringify(messages)}`,
    );
    return { commits: { good, broken }, outputs, serial: after.serial, messages, logs, secrets };
  } finally {
    await slack.close();
    await minio.stop();
    await work.remove();
  }
}

/** The develop workspace's state (the s3 backend keeps workspaces under `env:/<name>/`). */
async function readState(/** @type {import('@hangar/testkit').MinioServer} */ minio) {
  const state = await readTerraformState(minio, minio.versionedBucket, `env:/develop/${STATE_KEY}`);
  if (state === undefined) throw new Error(`no terraform state at env:/develop/${STATE_KEY}`);
  return state;
}

if (isMain(import.meta.url)) {
  run({ echo: true }).then(
    () => process.stdout.write('continuous-terraform: all expectations met\n'),
    (/** @type {unknown} */ error) => {
      process.stderr.write(
        `continuous-terraform: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
