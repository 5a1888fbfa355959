// The harness judges by the protocol's MUSTs: a resource written the way the reference resources are
// (POSIX sh reading its request with jq: numbers taken as strings, unknown keys ignored, its key in a
// temp file) is conformant, with its hardening gaps listed as SHOULD recommendations; --strict fails it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { failing, parseReport, quickArgs, runCli, sampleRemote } from './sample-remote.js';

const SH_JQ = fileURLToPath(new URL('./fixtures/samples/sh-jq', import.meta.url));

/** What it does differently from a hardened resource, and nothing else. */
const GAPS = [
  'bad-input.field-types',
  'bad-input.unknown-params-key',
  'bad-input.unknown-source-key',
  'secrets.not-on-disk',
];

describe.concurrent('a resource in the reference style (sh + jq)', () => {
  test('is protocol-conformant and shows its SHOULD recommendations', async () => {
    const remote = await sampleRemote();
    try {
      const junit = path.join(remote.root, 'report.xml');
      const { code, stdout, stderr } = await runCli(['--dir', SH_JQ, ...quickArgs(remote), '--junit', junit]);
      expect(stderr).toBe('');
      for (const id of GAPS) expect(stdout).toMatch(new RegExp(`\\n  ! ${id.replace('.', '\\.')} `));
      expect(stdout).toContain(
        '      source.private_key leaked in file /tmp/sh-jq-resource-key written by in (latest) [canary]',
      );
      expect(stdout).toMatch(/\n0 failed, \d+ passed, 4 recommendations, 0 skipped/);
      expect(stdout).toMatch(/\nCONFORMANT \(protocol; 4 recommendations, see SHOULD above\)\n$/);
      expect(code).toBe(0);
      const xml = await readFile(junit, 'utf8');
      expect(xml).toContain('failures="0"');
      const noted = [...xml.matchAll(/name="([^"]+)"><skipped message="recommendation \(SHOULD/g)];
      expect(noted.map((m) => m[1]).sort()).toEqual(GAPS);
    } finally {
      await remote.cleanup();
    }
  });

  test('fails with --strict, on exactly those SHOULDs', async () => {
    const remote = await sampleRemote();
    try {
      const { code, stdout } = await runCli(['--dir', SH_JQ, ...quickArgs(remote), '--strict', '--json']);
      const report = parseReport(stdout);
      expect(failing(report)).toEqual(GAPS);
      expect(report.recommendations).toEqual([]);
      expect(report.ok).toBe(false);
      expect(code).toBe(1);
    } finally {
      await remote.cleanup();
    }
  });
});
