import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { resolveCommand } from './command.js';

test('existing relative paths in a plain command become absolute', async () => {
  const base = await mkdtemp(path.join(tmpdir(), 'hangar-cmd-'));
  try {
    await mkdir(path.join(base, 'dist'));
    await writeFile(path.join(base, 'dist', 'resource.js'), '');
    expect(resolveCommand('node dist/resource.js', base)).toBe(`node ${base}/dist/resource.js`);
    expect(resolveCommand('node ./dist/resource.js --flag', base)).toBe(
      `node ${base}/dist/resource.js --flag`,
    );
    expect(resolveCommand('node missing/x.js', base)).toBe('node missing/x.js');
    expect(resolveCommand('/usr/bin/node dist/resource.js', base)).toBe(
      `/usr/bin/node ${base}/dist/resource.js`,
    );
    expect(resolveCommand('node "dist/resource.js"', base)).toBe('node "dist/resource.js"');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
