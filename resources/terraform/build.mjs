// Type declarations with tsc, then the single-file bundle the image runs as /opt/resource/{check,in,out}.
import { execFileSync } from 'node:child_process';
import { bundleResource } from '@hangar/resource-sdk/bundle';

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await bundleResource({ entry: 'src/index.ts', outfile: 'dist/resource.js' });
