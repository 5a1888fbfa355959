import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { checkPipelineText, locatedErrors } from '../src/model/index.js';
import { corpusEntries } from './corpus.js';
test('survey', () => {
  const rows: string[] = [];
  for (const e of corpusEntries('pipelines')) {
    const r = checkPipelineText(readFileSync(e.path, 'utf8'), e.file);
    if (r.kind === 'unreadable') rows.push(`${e.expected}\tUNREADABLE\t${e.file}\t${r.error.message} @${r.error.position.line}`);
    else if (r.failed) rows.push(`${e.expected}\tINVALID\t${e.file}\t${locatedErrors(r).map(x=>x.message).join(' | ')}`);
    else rows.push(`${e.expected}\tok\t${e.file}\t${r.result.warnings.length}w`);
  }
  console.log(rows.join('\n'));
});
