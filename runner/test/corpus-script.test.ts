// scripts/corpus as a stranger runs it: a checkout with nothing beside it and an empty cache. The
// files come from a local mirror laid out as raw.githubusercontent.com is (<repo>/<commit>/<path>),
// since tests never reach GitHub; every file is checked against its git blob id.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, tempDir, type TempDir } from '@hangar/testkit';
import { manifest, requireCorpusDir } from './corpus.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const manifestFile = join('runner', 'test', 'corpus', 'manifest.tsv');
const count = manifest.length;

/** Serves the corpus at raw-file URLs; `tampered` files are answered with other bytes. */
interface Mirror {
  url: string;
  requests: number;
  tampered: Set<string>;
  missing: boolean;
  server: Server;
}

async function startMirror(): Promise<Mirror> {
  const source = requireCorpusDir();
  const byUrl = new Map(manifest.map((row) => [`/${row.repo}/${row.commit}/${row.path}`, row.file]));
  const mirror = { url: '', requests: 0, tampered: new Set<string>(), missing: false } as Mirror;
  mirror.server = createServer((request, response) => {
    mirror.requests++;
    const file = byUrl.get(request.url ?? '');
    if (!file || mirror.missing) return void response.writeHead(404).end('404: Not Found');
    const bytes = readFileSync(join(source, file));
    response.end(mirror.tampered.has(file) ? Buffer.concat([bytes, Buffer.from('#\n')]) : bytes);
  });
  await new Promise<void>((resolve) => mirror.server.listen(0, '127.0.0.1', resolve));
  mirror.url = `http://127.0.0.1:${(mirror.server.address() as AddressInfo).port}`;
  return mirror;
}

let work: TempDir;
let mirror: Mirror;
let checkout: string;
let cache: string;

beforeAll(async () => {
  work = await tempDir('hangar-corpus-script-');
  checkout = join(work.path, 'hangar');
  cache = join(work.path, 'cache');
  mkdirSync(join(checkout, 'scripts'), { recursive: true });
  mkdirSync(join(checkout, 'runner', 'test', 'corpus'), { recursive: true });
  copyFileSync(join(repoRoot, 'scripts', 'corpus'), join(checkout, 'scripts', 'corpus'));
  copyFileSync(join(repoRoot, manifestFile), join(checkout, manifestFile));
  mirror = await startMirror();
});

afterAll(async () => {
  await new Promise((resolve) => mirror?.server.close(resolve));
  await work?.remove();
});

function corpusScript(env: Record<string, string> = {}) {
  const { HANGAR_CORPUS: _ignored, ...inherited } = process.env;
  return runCommand('bash', [join(checkout, 'scripts', 'corpus')], {
    env: { ...inherited, HANGAR_CACHE: cache, HANGAR_CORPUS_RAW_URL: mirror.url, ...env },
    allowFailure: true,
  });
}

describe('scripts/corpus', () => {
  it('fetches every file at its commit, then only verifies, and replaces what changed', async () => {
    const corpus = join(cache, 'corpus');
    expect(await corpusScript()).toEqual({
      code: 0,
      stdout: `corpus: ${count} files verified in ${corpus} (copied now: ${count} from ${mirror.url})\n`,
      stderr: '',
    });
    expect(mirror.requests).toBe(count);

    expect((await corpusScript()).stdout).toBe(`corpus: ${count} files verified in ${corpus}\n`);
    expect(mirror.requests).toBe(count);

    const [first, second] = manifest;
    appendFileSync(join(corpus, first!.file), 'edited\n');
    rmSync(join(corpus, second!.file));
    expect((await corpusScript({ HANGAR_CORPUS: requireCorpusDir() })).stdout).toBe(
      `corpus: ${count} files verified in ${corpus} (copied now: 2 from ${requireCorpusDir()})\n`,
    );
    expect(mirror.requests).toBe(count);
  });

  it('stops with one line naming the file whose blob id is not the manifest’s', async () => {
    const row = manifest[2]!;
    rmSync(join(cache, 'corpus', row.file), { force: true });
    mirror.tampered.add(row.file);
    const result = await corpusScript();
    mirror.tampered.clear();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^corpus: error: ${row.file} from ${mirror.url} has blob [0-9a-f]{40}, the manifest says ${row.blob}\n$`,
      ),
    );
    expect(existsSync(join(cache, 'corpus', row.file))).toBe(false);
    expect(existsSync(join(cache, 'corpus', `${row.file}.partial`))).toBe(false);
  });

  it('says in one line how to get the corpus when no source has it', async () => {
    rmSync(join(cache, 'corpus'), { recursive: true, force: true });
    mirror.missing = true;
    const result = await corpusScript();
    mirror.missing = false;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^corpus: error: ${count} of ${count} files missing from ${cache}/corpus \\(${manifest[0]!.file} first\\): ` +
          `${mirror.url}: curl: \\(22\\) .*404; run scripts/corpus on a machine with internet, ` +
          'or set HANGAR_CORPUS to a copy of the corpus\n$',
      ),
    );
  });
});
