// runner (a): 200 jobs chained by `passed`, each one trivial task, on the host runtime.
import { chain, measure } from './runner-pipelines.mjs';

export async function run() {
  await measure('chain of 200 jobs', chain(200), 200);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
