// Build: type declarations and modules with tsc, then the single-file bundle dist/resource.js
// that /opt/resource/{check,in,out} run.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { bundleResource } from '@hangar/resource-sdk/bundle';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await bundleResource({ entry: 'src/index.ts', outfile: 'dist/resource.js' });
