// The bad-input corpus (SHOULDs): malformed or hostile requests a hardened resource refuses cleanly and
// quickly — non-zero exit within the timeout, a message on stderr, nothing on stdout, no stack trace —
// without touching the remote. The reference resources accept several of them; what an accepted request
// answers is still held to the MUST output rules (output-rules.ts).
import type { Harness } from '../harness/harness.js';
import { describeExit, type Call } from '../harness/call.js';
import { findStackTrace } from '../protocol/stack-trace.js';
import { lateReason } from './output-rules.js';
import { excerpt } from '../protocol/stdout.js';
import { isPlainObject, type Script, type Version } from '../protocol/types.js';
import { selected, skipped, verdict, type CheckResult } from './check-result.js';
import type { SuiteConfig } from './suite-config.js';

export interface BadInputEntry {
  id: string;
  title: string;
  /** Stdin payloads for one script, given a valid request for it; empty when the entry does not apply. */
  payloads(valid: Record<string, unknown>, script: Script): (string | Buffer)[];
}

const UNKNOWN_KEY = 'hangar_conformance_unknown_key';

function json(value: unknown): string {
  return JSON.stringify(value);
}

function source(valid: Record<string, unknown>): Record<string, unknown> {
  return isPlainObject(valid['source']) ? valid['source'] : {};
}

function firstStringKey(object: Record<string, unknown>): string | undefined {
  return Object.keys(object).find((k) => typeof object[k] === 'string');
}

function withSource(valid: Record<string, unknown>, patch: Record<string, unknown>): string {
  return json({ ...valid, source: { ...source(valid), ...patch } });
}

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number' || typeof value === 'boolean') return 'not-a-' + typeof value;
  if (Array.isArray(value)) return { not: 'an array' };
  return ['not', 'an', 'object'];
}

const PLACEHOLDER = '@@hangar-placeholder@@';

/** A request whose source key holds raw bytes, spliced in textually (deep or invalid values cannot be stringified). */
function withRawSourceValue(valid: Record<string, unknown>, key: string, raw: Buffer): Buffer {
  const [head, tail] = withSource(valid, { [key]: PLACEHOLDER }).split(JSON.stringify(PLACEHOLDER));
  return Buffer.concat([Buffer.from(head ?? ''), raw, Buffer.from(tail ?? '')]);
}

export const BAD_INPUT_CORPUS: BadInputEntry[] = [
  { id: 'not-json', title: 'stdin is not JSON', payloads: () => ['{"source": {oops'] },
  { id: 'empty-stdin', title: 'stdin is empty', payloads: () => [''] },
  { id: 'top-level-type', title: 'request is not an object', payloads: () => ['[]', 'null'] },
  {
    id: 'missing-source',
    title: 'request has no source',
    payloads: (valid) => [json(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== 'source')))],
  },
  {
    id: 'source-type',
    title: 'source is not an object',
    payloads: (valid) => [json({ ...valid, source: 'not-an-object' })],
  },
  {
    id: 'field-types',
    title: 'fields of the wrong type',
    payloads: (valid, script) => {
      const src = source(valid);
      const out = Object.keys(src)
        .slice(0, 6)
        .map((k) => withSource(valid, { [k]: wrongType(src[k]) }));
      if (script !== 'out') out.push(json({ ...valid, version: 'not-a-version-object' }));
      if (script !== 'check') out.push(json({ ...valid, params: 'not-a-params-object' }));
      return out;
    },
  },
  {
    id: 'unknown-source-key',
    title: 'unknown key in source',
    payloads: (valid) => [withSource(valid, { [UNKNOWN_KEY]: 'surprise' })],
  },
  {
    id: 'unknown-params-key',
    title: 'unknown key in params',
    payloads: (valid, script) =>
      script === 'check'
        ? []
        : [
            json({
              ...valid,
              params: {
                ...(isPlainObject(valid['params']) ? valid['params'] : {}),
                [UNKNOWN_KEY]: 'surprise',
              },
            }),
          ],
  },
  {
    id: 'huge-string',
    title: 'a 1 MiB string in source',
    payloads: (valid) => {
      const key = firstStringKey(source(valid));
      return key === undefined ? [] : [withSource(valid, { [key]: 'x'.repeat(1024 * 1024) })];
    },
  },
  {
    id: 'deep-nesting',
    title: 'values nested 5000 levels deep',
    payloads: (valid) => {
      const key = Object.keys(source(valid))[0] ?? UNKNOWN_KEY;
      return [withRawSourceValue(valid, key, Buffer.from('['.repeat(5000) + '"bottom"' + ']'.repeat(5000)))];
    },
  },
  {
    id: 'non-utf8',
    title: 'invalid UTF-8 in a source string',
    payloads: (valid) => {
      const key = firstStringKey(source(valid));
      if (key === undefined) return [];
      return [withRawSourceValue(valid, key, Buffer.from([0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22]))];
    },
  },
];

export function validRequest(script: Script, config: SuiteConfig, version: Version): Record<string, unknown> {
  if (script === 'check') return { source: config.source, version };
  if (script === 'in') return { source: config.source, params: config.getParams ?? {}, version };
  return { source: config.source, params: config.putParams ?? {} };
}

export async function runBadInput(
  harness: Harness,
  config: SuiteConfig,
  version: Version,
): Promise<CheckResult[]> {
  const skip = new Set(config.skipBadInput ?? []);
  const before = config.probe ? await config.probe() : undefined;
  const results = await Promise.all(
    BAD_INPUT_CORPUS.map(async (entry): Promise<CheckResult> => {
      const id = `bad-input.${entry.id}`;
      if (skip.has(entry.id)) return skipped(id, entry.title, 'accepted by this resource (skip_bad_input)');
      if (selected(id, config.skip ?? [])) return skipped(id, entry.title, 'skipped (--skip)');
      const calls = await Promise.all(
        (['check', 'in', 'out'] as const).flatMap((script) =>
          entry
            .payloads(validRequest(script, config, version), script)
            .map((raw, i) =>
              harness.call(
                script,
                { raw },
                { label: `${script} (${entry.id} #${i + 1})`, purpose: 'bad-input' },
              ),
            ),
        ),
      );
      if (calls.length === 0) return skipped(id, entry.title, 'not applicable to this source');
      return verdict(
        id,
        entry.title,
        calls.flatMap(refusalProblems),
        calls.map((c) => c.id),
      );
    }),
  );
  if (selected('bad-input.remote-unchanged', config.skip ?? [])) {
    results.push(
      skipped('bad-input.remote-unchanged', 'bad input leaves the remote unchanged', 'skipped (--skip)'),
    );
  } else if (!config.probe) {
    results.push(
      skipped('bad-input.remote-unchanged', 'bad input leaves the remote unchanged', 'no remote probe given'),
    );
  } else {
    const after = await config.probe();
    const same = JSON.stringify(before) === JSON.stringify(after);
    results.push(
      verdict(
        'bad-input.remote-unchanged',
        'bad input leaves the remote unchanged',
        same
          ? []
          : [
              `remote changed: ${excerpt(JSON.stringify(before), 200)} -> ${excerpt(JSON.stringify(after), 200)}`,
            ],
      ),
    );
  }
  return results;
}

/** A clean refusal: non-zero exit within the timeout, a message on stderr, nothing on stdout, no stack trace. */
function refusalProblems(call: Call): string[] {
  const r = call.result;
  if (r.timedOut) return [lateReason(call)]; // slow on hostile input: a SHOULD, not `timeouts`
  if (r.exitCode === 0) return [`${call.label}: accepted (exit 0), answered ${excerpt(r.stdout)}`];
  const problems: string[] = [];
  if (r.stderr.trim() === '') problems.push('nothing on stderr');
  if (r.stdout.trim() !== '') problems.push(`stdout not empty: ${excerpt(r.stdout)}`);
  const stack = findStackTrace(r.stderr);
  if (stack) problems.push(stack);
  return problems.length === 0 ? [] : [`${call.label}: ${problems.join('; ')} (${describeExit(call)})`];
}
