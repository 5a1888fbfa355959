// The seed pipeline end to end: a commit to develop is applied into MinIO, a broken one fails
// and tells Slack once, and no secret reaches the logs.
import { expect, test } from 'vitest';
import { run } from '../continuous-terraform/run.mjs';

test('continuous-terraform: apply on commit, one Slack message on a broken commit', async () => {
  const end = await run();
  expect(end.outputs).toEqual({ instances: ['instance-0', 'instance-1'], applied_by_build: '1' });
  expect(end.messages.map(({ channel, icon_emoji }) => ({ channel, icon_emoji }))).toEqual([
    { channel: 'C0DEVELOP', icon_emoji: ':airplane:' },
  ]);
  expect(end.messages[0]?.text).toMatch(
    /^Build 2 failed\. Check it out at http:\/\/127\.0\.0\.1:8080\/builds\/\d+\n$/,
  );
  expect(end.logs).toContain(`ref:${end.commits.good}`);
  expect(end.logs).toContain(`ref:${end.commits.broken}`);
  for (const secret of Object.values(end.secrets)) expect(end.logs).not.toContain(secret);
});
