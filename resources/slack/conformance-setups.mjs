// Setups for conformance/cases/slack: a fake Slack from @hangar/testkit (build testkit first).
import { FakeSlack } from '@hangar/testkit';

/** @type {Record<string, import('@hangar/conformance').CaseSetup>} */
export const setups = {
  'fake-slack': async (options) => {
    const token = String(options['token'] ?? 'xoxb-conformance');
    const slack = await FakeSlack.start({ tokens: [token] });
    return {
      values: {
        webhook: slack.createWebhook('ops'),
        revoked_webhook: slack.createWebhook('ops', { state: 'revoked' }),
        api_url: slack.apiUrl,
        token,
      },
      probe: async () =>
        slack.messages.map(({ channel, text, thread_ts, edited }) => ({ channel, text, thread_ts, edited })),
      teardown: () => slack.close(),
    };
  },
};
