// Setups for conformance/cases/grafana-annotation: a fake Grafana from @hangar/testkit (build testkit first).
import { FakeGrafana } from '@hangar/testkit';

/** @type {Record<string, import('@hangar/conformance').CaseSetup>} */
export const setups = {
  'fake-grafana': async (options) => {
    const apiToken = String(options['api_token'] ?? 'glsa_conformance');
    const grafana = await FakeGrafana.start({ apiTokens: [apiToken], users: { ci: 'ci-password' } });
    return {
      values: { url: grafana.url, api_token: apiToken },
      probe: async () =>
        [...grafana.annotations.values()].map(({ id, text, tags, time, timeEnd }) => ({
          id,
          text,
          tags,
          region: timeEnd > time,
        })),
      teardown: () => grafana.close(),
    };
  },
};
