// `hangar-conformance`: argument parsing, subject choice, report output. `main` is callable in-process.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { SuiteConfig } from './checks/suite-config.js';
import { isPlainObject } from './protocol/types.js';
import { formatHuman } from './report/human.js';
import { formatJson } from './report/json.js';
import { formatJunit } from './report/junit.js';
import { totals } from './report/run-report.js';
import { CommandSubject, resolveCommand } from './subjects/command.js';
import { DirSubject } from './subjects/dir.js';
import type { Subject } from './subjects/subject.js';

export const USAGE = `Usage: hangar-conformance (--dir PATH | --cmd COMMAND) (--source JSON | --case PATH) [options]

Subject (exactly one):
  --dir PATH            directory holding executables check, in and out (e.g. an image's /opt/resource)
  --cmd COMMAND         command that takes check|in|out as its first argument ("node dist/resource.js")
  --oci PATH            OCI image layout (tag latest), unpacked and run with runc (needs root)
  --image REF           image in a registry (host[:port]/repo[:tag|@digest]), pulled then run like --oci;
                        credentials from HANGAR_REGISTRY_USERNAME and HANGAR_REGISTRY_PASSWORD

Quick mode (no case file):
  --source JSON         a working source; versions are discovered with the subject's own check
  --params JSON         put params for out; enables the put round-trip
  --get-params JSON     get params for in
  --input NAME=DIR      artifact for out, copied to $1/NAME (repeatable)
  --secret FIELD        secret field, replaced by a canary: private_key, source.a.b, params.token (repeatable)
  --secret-output PATH  container path (prefix) declared to hold secrets, e.g. /tmp/build/get/creds (repeatable)
  --probe COMMAND       shell command printing the remote's state; bad input must not change it
  --skip-bad-input ID   bad-input entry this resource legitimately accepts (repeatable)

Case files:
  --case PATH           case file, or a directory of *.yaml case files (repeatable)
  --setups MODULE       module exporting \`setups\` for case files (repeatable)

Running:
  --skip ID             do not run these checks: an id or a prefix (bad-input, secrets) (repeatable)
  --timeout MS          per-call timeout (default 30000)
  --concurrency N       scripts run at once (default 3)
  --check-env MODE      none (default): check gets no BUILD_* variables; concourse: what ATC's code passes
  --pass-env NAME       pass this host environment variable to the subject (repeatable)
  --strict              SHOULD checks (hardening) that do not pass fail the run too

Reports:
  --json                print the report as JSON on stdout
  --junit FILE          also write a JUnit XML report
  --color, --no-color   force colours on or off (default: on when stdout is a TTY)

Exit status: 0 when every MUST check passes (SHOULDs are recommendations, failures with --strict),
1 when any fails, 2 for usage errors.
Set HANGAR_DEBUG=1 for stack traces of harness errors.
`;

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

class UsageError extends Error {}

const OPTIONS = {
  dir: { type: 'string' },
  cmd: { type: 'string' },
  oci: { type: 'string' },
  image: { type: 'string' },
  source: { type: 'string' },
  params: { type: 'string' },
  'get-params': { type: 'string' },
  input: { type: 'string', multiple: true },
  secret: { type: 'string', multiple: true },
  probe: { type: 'string' },
  'secret-output': { type: 'string', multiple: true },
  'skip-bad-input': { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  case: { type: 'string', multiple: true },
  setups: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  'check-env': { type: 'string' },
  'pass-env': { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function jsonObject(flag: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(value)) throw new UsageError(`--${flag} must be a JSON object`);
  return value;
}

function positiveInt(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${flag} must be a positive integer, got "${text}"`);
  return n;
}

// The OCI subjects, the case files and the harness are imported only when used (not for --help).
async function chooseSubject(
  values: { dir?: string; cmd?: string; oci?: string; image?: string },
  passEnv: string[],
  env: Record<string, string | undefined>,
): Promise<Subject> {
  const given = (['dir', 'cmd', 'oci', 'image'] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one subject: --dir, --cmd, --oci or --image');
  if (values.image !== undefined) {
    const { imageSubject, registryCredentials } = await import('./subjects/image.js');
    try {
      return imageSubject(values.image, registryCredentials(env));
    } catch (error) {
      throw new UsageError(`--image: ${(error as Error).message}`);
    }
  }
  if (values.oci !== undefined) return new (await import('./subjects/oci.js')).OciSubject(values.oci);
  if (values.dir !== undefined) return new DirSubject(values.dir, passEnv);
  return new CommandSubject(resolveCommand(values.cmd!, process.cwd()), passEnv);
}

const exec = promisify(execFile);

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const usage =
      error instanceof UsageError ||
      error instanceof (await import('./cases/format.js')).CaseFormatError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`hangar-conformance: ${message.split('\n')[0]}\n`);
    if (io.env['HANGAR_DEBUG'] === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    if (usage) io.stderr.write('Run hangar-conformance --help for usage.\n');
    return usage ? 2 : 1;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const passEnv = values['pass-env'] ?? [];
  const subject = await chooseSubject(values, passEnv, io.env);
  const checkEnv = values['check-env'] ?? 'none';
  if (checkEnv !== 'none' && checkEnv !== 'concourse')
    throw new UsageError('--check-env must be none or concourse');
  if (values.source === undefined && values.case === undefined)
    throw new UsageError('give --source (quick mode) or --case');

  const { importSetupModule } = await import('./cases/setups.js');
  for (const module of values.setups ?? []) await importSetupModule(module);
  const cases = values.case ? await (await import('./cases/format.js')).loadCases(values.case) : undefined;
  let quick: SuiteConfig | undefined;
  if (values.source !== undefined) {
    const inputs: Record<string, string> = {};
    for (const spec of values.input ?? []) {
      const [name, dir] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
      if (!spec.includes('=') || name === '' || dir === '')
        throw new UsageError(`--input must be NAME=DIR, got "${spec}"`);
      inputs[name] = path.resolve(dir);
    }
    const probeCommand = values.probe;
    quick = {
      source: jsonObject('source', values.source)!,
      putParams: jsonObject('params', values.params),
      getParams: jsonObject('get-params', values['get-params']),
      inputs,
      secrets: values.secret ?? [],
      secretOutputs: values['secret-output'] ?? [],
      skipBadInput: values['skip-bad-input'] ?? [],
      skip: values.skip ?? [],
      probe:
        probeCommand === undefined
          ? undefined
          : async () => (await exec('/bin/sh', ['-c', probeCommand], { maxBuffer: 16 * 1024 * 1024 })).stdout,
    };
  }

  const { runConformance } = await import('./run.js');
  const report = await runConformance({
    subject,
    skip: values.skip ?? [],
    strict: values.strict ?? false,
    harness: {
      timeoutMs: positiveInt('timeout', values.timeout, 30_000),
      concurrency: positiveInt('concurrency', values.concurrency, 3),
      checkEnv,
    },
    quick,
    cases,
  });
  await subject.close();

  if (values.junit !== undefined) await writeFile(values.junit, formatJunit(report));
  if (values.json) io.stdout.write(formatJson(report));
  else {
    const colour = values['no-color']
      ? false
      : (values.color ?? (io.stdout.isTTY === true && !io.env['NO_COLOR']));
    io.stdout.write(formatHuman(report, colour));
  }
  return totals(report).failed === 0 ? 0 : 1;
}
