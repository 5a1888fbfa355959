#!/usr/bin/env node
// Committed, so that npm links `hangar` at install time; `npm run build` makes the bundle it starts.
// CommonJS (bin/package.json), so that Node starts without its ESM loader.
require('@hangar/resource-sdk/launch').launch(`${__dirname}/../dist/cli/hangar.cjs`);
