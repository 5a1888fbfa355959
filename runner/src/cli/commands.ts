// `hangar validate`, `hangar graph`, `hangar format`.
import { readFile, stat, writeFile, rename } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { stringify } from 'yaml';
import { checkPipelineFile } from '../model/load.js';
import type { CheckResult } from '../model/check.js';
import { formatPipelineData } from '../model/format.js';
import { GoJsonError, unmarshalPipeline } from '../model/go-json.js';
import { graphToDot, graphToMermaid, pipelineGraph } from '../model/graph.js';
import { parseYamlSource, SourceError } from '../model/source.js';
import { parse, pipelineArg, staticVarsFrom, varOptions } from './args.js';
import { CliError, type CliIo } from './io.js';
import { formatLocated, renderFindings } from './report.js';

async function check(file: string, strict: boolean, vars: Record<string, unknown>): Promise<CheckResult> {
  try {
    return await checkPipelineFile(file, { strict, vars });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new CliError(`could not read pipeline ${file}: ${code}`);
    throw err;
  }
}

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, {
    ...varOptions,
    config: { type: 'string', short: 'c' },
    strict: { type: 'boolean', short: 's' },
    output: { type: 'boolean', short: 'o' },
  });
  const file = pipelineArg(parsed, 'validate');
  const strict = parsed.values.strict === true;
  const result = await check(file, strict, await staticVarsFrom(parsed));
  if (result.kind === 'unreadable') throw new CliError(formatLocated(result.error));
  io.stderr(renderFindings(result));
  if (result.failed) {
    io.stderr('error: configuration invalid\n');
    return 1;
  }
  io.stdout(
    parsed.values.output === true ? stringify(result.data, { version: '1.1', lineWidth: 0 }) : 'looks good\n',
  );
  return 0;
}

export async function graphCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, {
    ...varOptions,
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f', default: 'dot' },
  });
  const file = pipelineArg(parsed, 'graph');
  const format = parsed.values.format;
  if (format !== 'dot' && format !== 'mermaid' && format !== 'json') {
    throw new CliError(`hangar graph: unknown --format '${String(format)}' (use dot, mermaid or json)`);
  }
  const result = await check(file, false, await staticVarsFrom(parsed));
  if (result.kind === 'unreadable') throw new CliError(formatLocated(result.error));
  const graph = pipelineGraph(result.pipeline);
  io.stdout(
    format === 'json'
      ? JSON.stringify(graph, null, 2) + '\n'
      : format === 'mermaid'
        ? graphToMermaid(graph)
        : graphToDot(graph),
  );
  return 0;
}

export async function formatCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, {
    config: { type: 'string', short: 'c' },
    write: { type: 'boolean', short: 'w' },
  });
  const file = pipelineArg(parsed, 'format');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`could not read pipeline ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let formatted: string;
  try {
    const source = parseYamlSource(text, file, undefined, 'last wins');
    try {
      unmarshalPipeline(source.data, false);
    } catch (err) {
      if (!(err instanceof GoJsonError)) throw err;
      // fly's words and exit status for a pipeline it cannot decode
      const message = `error unmarshaling JSON: while decoding JSON: ${err.message}`;
      io.stderr(
        `could not unmarshal config: ${formatLocated({ message, position: source.locate(err.path) })}\n`,
      );
      return 1;
    }
    formatted = formatPipelineData(source.data);
  } catch (err) {
    if (err instanceof SourceError && err.position) {
      throw new CliError(formatLocated({ message: err.message, position: err.position }));
    }
    throw err;
  }
  if (parsed.values.write === true) {
    const { mode } = await stat(file);
    const temp = join(dirname(file), `.${basename(file)}.hangar-format`);
    await writeFile(temp, formatted, { mode });
    await rename(temp, file);
  } else {
    io.stdout(formatted);
  }
  return 0;
}
