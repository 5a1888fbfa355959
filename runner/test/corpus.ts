// The corpus of real pipelines and task files. The repository keeps its manifest (corpus/manifest.tsv:
// where each file comes from and its git blob id); scripts/corpus puts the files into the cache.
// HANGAR_CORPUS, when set, names another copy; a shared/corpus beside the checkout (or beside one
// of its parents) is used when the cache lacks files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '@hangar/testkit';

export interface ManifestRow {
  file: string;
  repo: string;
  path: string;
  commit: string;
  blob: string;
  features: string;
  expected: string;
  notes: string;
}

function readManifest(): ManifestRow[] {
  const [header = '', ...lines] = readFileSync(new URL('./corpus/manifest.tsv', import.meta.url), 'utf8')
    .trimEnd()
    .split('\n');
  const names = header.split('\t');
  return lines.map((line) => {
    const cols = line.split('\t');
    const column = (name: keyof ManifestRow) => cols[names.indexOf(name)] ?? '';
    return {
      file: column('file'),
      repo: column('repo'),
      path: column('path'),
      commit: column('commit'),
      blob: column('blob'),
      features: column('features'),
      expected: column('expected'),
      notes: column('notes'),
    };
  });
}

/** Every row of corpus/manifest.tsv. */
export const manifest = readManifest();
const cachedCorpus = join(cacheDir(), 'corpus');

/** The cache, then every shared/corpus beside the checkout or one of its parents, nearest first. */
function candidates(): string[] {
  const dirs = [cachedCorpus];
  let dir = dirname(fileURLToPath(new URL('../..', import.meta.url)));
  for (;;) {
    dirs.push(join(dir, 'shared', 'corpus'));
    if (dirname(dir) === dir) return dirs;
    dir = dirname(dir);
  }
}

/** Where the corpus files are; undefined when no copy holds them all. */
export const corpusDir: string | undefined =
  process.env['HANGAR_CORPUS'] ??
  candidates().find((dir) => manifest.every((row) => existsSync(join(dir, row.file))));

/** The one line a test fails with when the corpus is not on this machine. */
export const corpusMissing = `the pipeline corpus is not in ${cachedCorpus}: run scripts/corpus (it copies HANGAR_CORPUS or ../shared/corpus, or fetches the files from GitHub)`;

/** corpusDir, or an error saying how to get the corpus. */
export function requireCorpusDir(): string {
  if (corpusDir === undefined) throw new Error(corpusMissing);
  return corpusDir;
}

/** The manifest's files that corpusDir lacks or holds with another git blob id. */
export function corpusMismatches(): string[] {
  const dir = requireCorpusDir();
  return manifest
    .filter((row) => {
      const path = join(dir, row.file);
      return !existsSync(path) || gitBlobId(readFileSync(path)) !== row.blob;
    })
    .map((row) => row.file);
}

/** What `git hash-object` prints for a file with these bytes. */
function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export interface CorpusEntry {
  file: string;
  path: string;
  features: string[];
  expected: 'valid' | 'invalid' | 'unknown';
  notes: string;
}

/**
 * The corpus files of one kind. Without the corpus it throws the one line saying how to get it,
 * so a test file that reads the corpus fails with that line alone, not with empty suites.
 */
export function corpusEntries(kind: 'pipelines' | 'tasks'): CorpusEntry[] {
  const dir = requireCorpusDir();
  return manifest
    .filter((row) => row.file.startsWith(`${kind}/`))
    .map((row) => ({
      file: row.file,
      path: join(dir, row.file),
      features: row.features.split(','),
      expected: (row.expected || 'unknown') as CorpusEntry['expected'],
      notes: row.notes,
    }));
}
