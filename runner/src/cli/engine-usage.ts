// The engine's commands and their help text, kept apart from the model's commands in main.ts.
// Each command's module is imported only when it runs: the help and `validate` never load the
// engine, SQLite, metrics, the web server or the OCI runtime.
import { lazyCommand, type Command } from './io.js';

export const engineUsage = `  run PIPELINE [-v|-y|-l] [--job J]... [--watch] [--dry-run] [--override name=dir] [--no-cache]
      [--ui [--bind ADDR] [--port N]]
                          check, schedule and run builds until idle (or keep checking with --watch);
                          --ui serves the web UI meanwhile and after, until Ctrl-C
  serve [--bind 127.0.0.1] [--port 8080] [--add-local-user NAME:PASSWORD]... [--local-users-file F]
                          a local Concourse: schedules every pipeline in the state and serves
                          the web UI, API and /metrics; fly -t T login -c URL -u NAME -p PASSWORD
                          signs in as a local user (also HANGAR_ADD_LOCAL_USER=a:p,b:q), or with
                          HANGAR_WEB_TOKEN (or the printed token) as the password
  trigger PIPELINE JOB [-w]
                          start a build of JOB now (its inputs without passed are checked first)
  check PIPELINE RESOURCE [--from k:v]
                          run the resource's check and save new versions
  builds [PIPELINE]       list builds with their status
  watch [BUILD]           print a build's log (the latest build by default)
  execute -c task.yml [-i name=dir] [-o name=dir] [-j PIPELINE/JOB] [--include-ignored] [-- args]
  execute --job PIPELINE JOB
                          run one task like fly execute, or one whole job
Engine options: --state DIR (default .hangar), -p NAME, -t/--timestamps, --no-color,
  --resource-type type=command (run a type with a local script), --external-url URL
  --runtime host|oci (default: oci when runc is usable), --images DIR (hangar-images' --out),
  --resource-registry HOST[/PATH], --registry-mirror docker.io=HOST:PORT
`;

const engine = () => import('./engine-commands.js');

export const engineCommands: Record<string, Command> = {
  run: lazyCommand(engine, 'runCommand'),
  trigger: lazyCommand(engine, 'triggerCommand'),
  'trigger-job': lazyCommand(engine, 'triggerCommand'),
  check: lazyCommand(engine, 'checkCommand'),
  'check-resource': lazyCommand(engine, 'checkCommand'),
  builds: lazyCommand(() => import('./builds.js'), 'buildsCommand'),
  watch: lazyCommand(engine, 'watchCommand'),
  execute: lazyCommand(() => import('./execute.js'), 'executeCommand'),
  serve: lazyCommand(() => import('./serve.js'), 'serveCommand'),
};
