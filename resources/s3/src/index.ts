// Entry point of dist/resource.js: `/opt/resource/{check,in,out}` link or wrap it.
//
// Memory: lib-storage copies each upload part into a fresh Buffer, and with V8's default young
// generation a 256 MiB put peaks near 280 MiB RSS, exactly like lib-storage on its own
// (bench/s3-put.bench.mjs). `node --max-semi-space-size=4` lowered that to 149 MiB in one direct
// run but not in the benchmark; v8.setFlagsFromString at run time had no effect.
import { runResource } from '@hangar/resource-sdk';
import { s3Resource } from './s3-resource.js';

runResource(s3Resource);
