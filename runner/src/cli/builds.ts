// `hangar builds`: the state's builds, newest first. Only the store: listing builds starts
// without the engine, the runtimes or the web server.
import { parse } from './args.js';
import { engineOptions, openStateDir } from './engine-options.js';
import { CliError, type CliIo } from './io.js';
import { summaryTable } from './render.js';

export function buildsCommand(args: string[], io: CliIo): Promise<number> {
  return Promise.resolve().then(() => listBuilds(args, io));
}

function listBuilds(args: string[], io: CliIo): number {
  const parsed = parse(args, { ...engineOptions, count: { type: 'string', short: 'c', default: '50' } });
  const { store } = openStateDir(parsed, io, { existing: true });
  try {
    const pipelineName = parsed.positionals[0];
    const pipelineId = pipelineName === undefined ? undefined : store.pipeline(pipelineName)?.id;
    if (pipelineName !== undefined && pipelineId === undefined)
      throw new CliError(`pipeline '${pipelineName}' not found`);
    const rows = store.builds({
      ...(pipelineId === undefined ? {} : { pipelineId }),
      limit: Number(parsed.values.count) || 50,
    });
    io.stdout(
      `${'id'.padEnd(6)}${summaryTable(rows)
        .split('\n')
        .map((line, i) =>
          i === 0 ? line : line === '' ? '' : `${String(rows[i - 1]?.id ?? '').padEnd(6)}${line}`,
        )
        .join('\n')}`,
    );
    return 0;
  } finally {
    store.close();
  }
}
