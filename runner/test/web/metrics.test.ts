// /metrics: Concourse's metric names and labels, moved by real builds and checks.
import { afterEach, describe, expect, it } from 'vitest';
import { fileRes, sh, webHarness, type WebHarness } from './harness.js';

let h: WebHarness;
afterEach(async () => h?.close());

describe('/metrics', () => {
  it("counts builds and checks under Concourse's names, with the latest status per job", async () => {
    h = await webHarness({
      resources: [fileRes('src')],
      jobs: [
        { name: 'continuous-smoke-tests', plan: [{ get: 'src', trigger: true }, sh('smoke', 'exit 1')] },
        { name: 'unit', plan: [{ get: 'src', trigger: true }, sh('t', 'true')] },
      ],
    });
    h.push('src');
    await h.runner.runUntilIdle();
    await h.get('/api/v1/info');
    const res = await h.get('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const labels = (job: string) => `team="main",pipeline="p",job="${job}"`;
    expect(text).toContain(
      `concourse_builds_finished{${labels('continuous-smoke-tests')},status="failed"} 1\n`,
    );
    expect(text).toContain(`concourse_builds_finished{${labels('unit')},status="succeeded"} 1\n`);
    expect(text).toContain('# TYPE concourse_builds_finished counter\n');
    expect(text).toMatch(
      /concourse_builds_duration_seconds_bucket\{le="1",team="main",pipeline="p",job="unit"\} 1\n/,
    );
    expect(text).toContain(`concourse_builds_duration_seconds_count{${labels('unit')}} 1\n`);
    expect(text).toContain(
      'concourse_builds_latest_completed_build_status{jobName="continuous-smoke-tests",pipelineName="p",teamName="main"} 1\n',
    );
    expect(text).toContain(
      'concourse_builds_latest_completed_build_status{jobName="unit",pipelineName="p",teamName="main"} 0\n',
    );
    expect(text).toContain('concourse_builds_started_total 2\n');
    expect(text).toContain('concourse_builds_failed_total 1\n');
    expect(text).toContain('concourse_builds_running 0\n');
    expect(text).toMatch(/concourse_builds_check_finished_total [1-9]\d*\n/);
    expect(text).toMatch(/concourse_lidar_checks_finished_total\{status="succeeded"\} [1-9]\d*\n/);
    expect(text).toContain('concourse_builds_check_running 0\n');
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect(text).toMatch(
      /concourse_http_responses_duration_seconds_count\{method="GET",route="info",status="200"\} 1\n/,
    );
  });
});
