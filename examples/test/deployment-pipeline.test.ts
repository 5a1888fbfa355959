// The deployment pipeline end to end, twice: a good commit goes through staging and production
// and is released; a commit whose acceptance tests fail stops in staging, safely.
import { describe, expect, test } from 'vitest';
import { run } from '../deployment-pipeline/run.mjs';

const secretsAbsent = (end: { logs: string; secrets: Record<string, string> }) => {
  for (const secret of Object.values(end.secrets)) expect(end.logs).not.toContain(secret);
};

describe('deployment-pipeline', () => {
  test('a good commit: staging, then production, tagged and released', async () => {
    const end = await run();
    expect(end.builds).toEqual({
      'deployment/deploy-staging #1': 'succeeded',
      'deployment/deploy-production #1': 'succeeded',
    });
    expect(end.tags).toEqual(['v0.1.0']);
    expect(end.versionFile).toBe('0.1.0');
    expect(end.releases).toEqual([
      {
        tag: 'v0.1.0',
        commit: end.commit,
        body: `widget 0.1.0, commit ${end.commit}`,
        assets: ['widget-0.1.0.tgz'],
      },
    ]);
    expect(end.annotations).toEqual([
      { tags: ['deploy', 'staging', 'widget'], text: 'Deploy to staging: deploy-staging #1', region: true },
      {
        tags: ['deploy', 'production', 'widget'],
        text: 'Deploy to production: deploy-production #1',
        region: true,
      },
    ]);
    expect(end.locks).toEqual({ claimed: [], unclaimed: ['production', 'staging'] });
    expect(end.outputs).toEqual({
      staging: { endpoint: 'https://staging.widget.internal', instances: ['staging-0', 'staging-1'] },
      production: {
        endpoint: 'https://production.widget.internal',
        instances: ['production-0', 'production-1', 'production-2'],
      },
    });
    expect(end.slack).toEqual([]);
    secretsAbsent(end);
  });

  test('a failure in TESTS: lock released, Slack told once, no tag, no release', async () => {
    const end = await run({ failTests: true });
    expect(end.exitCode).toBe(1);
    expect(end.builds).toEqual({ 'deployment/deploy-staging #1': 'failed' });
    expect(end.logs).toContain('FAIL 99-injected.sh');
    expect(end.locks).toEqual({ claimed: [], unclaimed: ['production', 'staging'] });
    expect(end.slack).toHaveLength(1);
    expect(end.slack[0]).toMatch(
      /^Deploy to staging failed: build 1, http:\/\/127\.0\.0\.1:8080\/\S+\/builds\/1\n$/,
    );
    expect(end.tags).toEqual([]);
    expect(end.releases).toEqual([]);
    expect(end.versionFile).toBe('');
    expect(end.annotations).toEqual([
      { tags: ['deploy', 'staging', 'widget'], text: 'Deploy to staging: deploy-staging #1', region: true },
    ]);
    expect(Object.keys(end.outputs)).toEqual(['staging']);
    secretsAbsent(end);
  });
});
