// examples/hello from commit to green on a real Concourse (web + containerd worker with our
// worker bundles, started by @hangar/testkit) and on hangar (host runtime), in the same run: the
// wait a user feels for one pipeline, as a ratio. Stack start-up is printed, not counted.
import { record } from './measure.mjs';

export async function run() {
  const { startExamplesConcourse } = await import('../examples/lib/concourse.mjs');
  const { differential } = await import('../examples/lib/differential.mjs');
  const { hello } = await import('../examples/lib/hello-scenario.mjs');
  const started = Date.now();
  const stack = await startExamplesConcourse();
  try {
    console.log(
      `Concourse stack up (web, worker, images pushed) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const { hangar, concourse } = await differential(stack, hello);
    if (JSON.stringify(concourse.state) !== JSON.stringify(hangar.state)) {
      throw new Error(`hello ended differently: ${JSON.stringify({ hangar, concourse })}`);
    }
    record({
      name: 'hello commit→green, Concourse',
      baseline: 'hangar run',
      baselineValue: hangar.seconds,
      value: concourse.seconds,
      unit: 's',
    });
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
