// Prometheus metrics under Concourse's names and labels (atc/metric/emitter/prometheus.go), so
// dashboards and alerts written for Concourse work against hangar. Counters move as this process
// runs builds and checks; gauges are read from the state database at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CheckOutcome } from '../engine/checker.js';
import type { BuildRow, Store } from '../store/store.js';

const team = 'main';
const outcomes = ['succeeded', 'failed', 'errored', 'aborted'] as const;
/** Concourse's encoding of the latest completed build's status. */
const statusValue: Record<string, number> = { succeeded: 0, failed: 1, errored: 2, aborted: 3 };

export class Metrics {
  readonly registry = new Registry();
  readonly #finished: Counter<'team' | 'pipeline' | 'job' | 'status'>;
  readonly #duration: Histogram<'team' | 'pipeline' | 'job'>;
  readonly #totals: Record<string, Counter>;
  readonly #checkTotals: Record<string, Counter>;
  readonly #lidarStarted: Counter;
  readonly #lidarEnqueued: Counter;
  readonly #lidarFinished: Counter<'status'>;
  readonly #checksRunning: Gauge;
  readonly http: Histogram<'method' | 'route' | 'status'>;

  constructor(store: Store) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // Concourse's counter has no `_total` suffix; prom-client keeps names as given.
    this.#finished = new Counter({
      name: 'concourse_builds_finished',
      help: 'Count of builds finished, by status',
      labelNames: ['team', 'pipeline', 'job', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'concourse_builds_duration_seconds',
      help: 'Duration of finished builds',
      labelNames: ['team', 'pipeline', 'job'],
      buckets: [1, 60, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 7200, 18000, 36000],
      registers,
    });
    const counter = (name: string, help: string): Counter => new Counter({ name, help, registers });
    this.#totals = Object.fromEntries(
      ['started', 'finished', ...outcomes].map((s) => [
        s,
        counter(`concourse_builds_${s}_total`, `Total builds ${s}`),
      ]),
    );
    this.#checkTotals = Object.fromEntries(
      ['started', 'finished', ...outcomes].map((s) => [
        s,
        counter(`concourse_builds_check_${s}_total`, `Total check builds ${s}`),
      ]),
    );
    this.#lidarStarted = counter('concourse_lidar_checks_started_total', 'Checks started');
    this.#lidarEnqueued = counter('concourse_lidar_checks_enqueued_total', 'Checks enqueued');
    this.#lidarFinished = new Counter({
      name: 'concourse_lidar_checks_finished_total',
      help: 'Checks finished, by status',
      labelNames: ['status'],
      registers,
    });
    this.#checksRunning = new Gauge({
      name: 'concourse_builds_check_running',
      help: 'Checks running now',
      registers,
    });
    new Gauge({
      name: 'concourse_builds_running',
      help: 'Builds running now',
      registers,
      collect() {
        this.set(store.builds({ status: 'started' }).length);
      },
    });
    new Gauge({
      name: 'concourse_builds_latest_completed_build_status',
      help: 'Status of the latest completed build of each job (0 succeeded, 1 failed, 2 errored, 3 aborted)',
      labelNames: ['jobName', 'pipelineName', 'teamName'],
      registers,
      collect() {
        this.reset();
        for (const b of store.latestFinishedBuilds()) {
          this.set({ jobName: b.job, pipelineName: b.pipeline, teamName: team }, statusValue[b.status] ?? 1);
        }
      },
    });
    this.http = new Histogram({
      name: 'concourse_http_responses_duration_seconds',
      help: 'Response time of the API and UI',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
  }

  buildStarted(_build: BuildRow): void {
    this.#totals.started?.inc();
  }

  buildFinished(build: BuildRow): void {
    const labels = { team, pipeline: build.pipeline ?? '', job: build.job ?? '' };
    this.#finished.inc({ ...labels, status: build.status });
    if (build.startTime !== null && build.endTime !== null) {
      this.#duration.observe(labels, (build.endTime - build.startTime) / 1000);
    }
    this.#totals.finished?.inc();
    this.#totals[build.status]?.inc();
  }

  checkStarted(): void {
    this.#checksRunning.inc();
    this.#checkTotals.started?.inc();
    this.#lidarEnqueued.inc();
    this.#lidarStarted.inc();
  }

  checkFinished(outcome: CheckOutcome): void {
    const status = outcome.error === undefined ? 'succeeded' : 'errored';
    this.#checksRunning.dec();
    this.#checkTotals.finished?.inc();
    this.#checkTotals[status]?.inc();
    this.#lidarFinished.inc({ status });
  }
}
