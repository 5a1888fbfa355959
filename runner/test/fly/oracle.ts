// The real `fly` as the oracle: runs `fly validate-pipeline`/`format-pipeline` and the same
// `hangar` command in-process on one file, and says whether a user would see the same thing.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { flyBinary } from '@hangar/testkit';
import { main } from '../../src/cli/main.js';
import { parseYamlSource } from '../../src/model/source.js';

export interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const fly = flyBinary();

/** Runs fly on at most `availableParallelism()` files at a time (validate takes ~40 ms of CPU). */
const slots = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function runFly(args: string[]): Promise<Outcome> {
  return withSlot(
    () =>
      new Promise((resolve, reject) => {
        // No HOME config and no terminal: fly prints no colours and needs no target for these commands.
        execFile(
          fly,
          args,
          { env: { PATH: process.env.PATH ?? '' }, maxBuffer: 64 << 20 },
          (err, stdout, stderr) => {
            const code = err === null ? 0 : typeof err.code === 'number' ? err.code : undefined;
            if (code === undefined) reject(err ?? new Error('fly did not exit'));
            else resolve({ exitCode: code, stdout, stderr });
          },
        );
      }),
  );
}

export async function runHangar(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const exitCode = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
  });
  return { exitCode, stdout, stderr };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** hangar's output with its `file:line:col: ` prefixes taken out: what fly prints. */
export function withoutPositions(text: string, file: string): string {
  return text.replace(new RegExp(`${escapeRegExp(file)}:\\d+:\\d+: `, 'g'), '');
}

/**
 * fly prints some lists in Go map order, which changes between runs: the lines of an `invalid
 * groups:` block ("job 'x' belongs to no group", "group 'g' appears 2 times") and the keys of
 * `unknown fields [...]`. Those are compared as sets.
 */
export function canonicalStderr(text: string): string {
  return text
    .replace(/( {2}- invalid groups:\n)((?:\t.*\n)+)/g, (_all, head: string, body: string) => {
      return head + body.split('\n').filter(Boolean).sort().join('\n') + '\n';
    })
    .replace(
      /unknown fields \[([^\]]*)\]/g,
      (_all, list: string) => `unknown fields [${list.split(' ').sort().join(' ')}]`,
    );
}

export interface Comparison {
  agree: boolean;
  fly: Outcome;
  hangar: Outcome;
}

/** `validate-pipeline FILE [flags]` with both; `-o` output is compared as parsed YAML. */
export async function compareValidate(file: string, flags: string[] = []): Promise<Comparison> {
  const [flyOut, hangarRaw] = await Promise.all([
    runFly(['validate-pipeline', '-c', file, ...flags]),
    runHangar(['validate', '-c', file, ...flags]),
  ]);
  const hangar = {
    exitCode: hangarRaw.exitCode,
    stdout: withoutPositions(hangarRaw.stdout, file),
    stderr: withoutPositions(hangarRaw.stderr, file),
  };
  const sameStdout =
    flags.includes('-o') && flyOut.exitCode === 0
      ? sameYaml(flyOut.stdout, hangar.stdout)
      : flyOut.stdout === hangar.stdout;
  const agree =
    flyOut.exitCode === hangar.exitCode &&
    sameStdout &&
    canonicalStderr(flyOut.stderr) === canonicalStderr(hangar.stderr);
  return { agree, fly: flyOut, hangar };
}

function sameYaml(a: string, b: string): boolean {
  try {
    // Both read alike (go-yaml v2's scalars: `.` stays text): only the documents' content counts.
    const read = (text: string): unknown => parseYamlSource(text, '-o', undefined, 'last wins').data;
    return isDeepStrictEqual(read(a), read(b));
  } catch {
    return false;
  }
}

/** A readable account of a disagreement, for a failing test's message. */
export function describeDisagreement(c: Comparison, yaml?: string): string {
  const show = (o: Outcome): string => `exit ${o.exitCode}\n--- stdout\n${o.stdout}--- stderr\n${o.stderr}`;
  return [
    yaml === undefined ? '' : `=== pipeline\n${yaml}`,
    `=== fly\n${show(c.fly)}`,
    `=== hangar\n${show(c.hangar)}`,
  ]
    .filter(Boolean)
    .join('\n');
}
