// runner (b): fan-out/fan-in 1 -> 100 -> 1, each job one trivial task, on the host runtime.
import { fan, measure } from './runner-pipelines.mjs';

export async function run() {
  await measure('fan-out/fan-in 1->100->1', fan(100), 102);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
