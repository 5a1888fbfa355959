// The `hangar` command line.
import { engineCommands, engineUsage } from './engine-usage.js';
import { CliError, lazyCommand, processIo, type CliIo, type Command } from './io.js';

export const usage = `Usage: hangar <command> [options]

Commands:
  validate PIPELINE [-v k=v] [-y k=yaml] [-i k=yaml] [-l vars.yml] [--strict] [--output]
                          check a pipeline like fly validate-pipeline, with file:line:col
  graph PIPELINE [--format dot|mermaid|json]
                          print the jobs/resources graph Concourse's UI draws
  format PIPELINE [-w]    print (or write back) canonical YAML like fly format-pipeline
${engineUsage}`;

const model = () => import('./commands.js');

const commands: Record<string, Command> = {
  validate: lazyCommand(model, 'validateCommand'),
  'validate-pipeline': lazyCommand(model, 'validateCommand'),
  graph: lazyCommand(model, 'graphCommand'),
  format: lazyCommand(model, 'formatCommand'),
  'format-pipeline': lazyCommand(model, 'formatCommand'),
  ...engineCommands,
};

/** `hangar NAME --help`: the usage lines of that command (an alias shows its command's). */
function commandUsage(name: string): string {
  const base = name.replace(/-(pipeline|job|resource)$/, '');
  const lines: string[] = [];
  let inside = false;
  for (const line of usage.split('\n')) {
    if (/^ {2}\S/.test(line)) inside = line.startsWith(`  ${base} `) || line === `  ${base}`;
    else if (!line.startsWith('   ')) inside = false;
    if (inside) lines.push(line);
  }
  const engineOptions = usage.slice(usage.indexOf('Engine options:'));
  return `Usage: hangar ${lines.join('\n').trimStart()}\n${name in engineCommands ? engineOptions : ''}`;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout)(usage);
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (command && (flags.includes('--help') || flags.includes('-h'))) {
    io.stdout(commandUsage(name));
    return 0;
  }
  try {
    if (!command) throw new CliError(`unknown command '${name}' (try: hangar help)`);
    return await command(rest, io);
  } catch (err) {
    const debug = io.env.HANGAR_DEBUG === '1';
    if (err instanceof CliError) {
      io.stderr(`error: ${err.message}\n`);
      if (debug && err.stack) io.stderr(`${err.stack}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`error: ${message.split('\n')[0] ?? message}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return 2;
  }
}
