// The shared corpus of real pipelines (../shared/corpus), located from this worktree or a CI clone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findCorpus(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, 'shared', 'corpus'), join(dir, '..', 'shared', 'corpus')]) {
      if (existsSync(join(candidate, 'MANIFEST.tsv'))) return resolve(candidate);
    }
    dir = dirname(dir);
  }
  return process.env.HANGAR_CORPUS;
}

export const corpusDir = findCorpus();

export interface CorpusEntry {
  file: string;
  path: string;
  features: string[];
  expected: 'valid' | 'invalid' | 'unknown';
  notes: string;
}

export function corpusEntries(kind: 'pipelines' | 'tasks'): CorpusEntry[] {
  if (!corpusDir) return [];
  const lines = readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines
    .map((line) => line.split('\t'))
    .filter((cols) => cols[0]?.startsWith(`${kind}/`))
    .map((cols) => ({
      file: cols[0] ?? '',
      path: join(corpusDir ?? '', cols[0] ?? ''),
      features: (cols[5] ?? '').split(','),
      expected: (cols[6] ?? 'unknown') as CorpusEntry['expected'],
      notes: cols[7] ?? '',
    }));
}
