// Entry point of dist/resource.js: `/opt/resource/{check,in,out}` link or wrap it.
//
// Memory: lib-storage copies each upload part into a fresh Buffer, and with V8's default young
// generation a 256 MiB put peaks near 280 MiB RSS, exactly like lib-storage on its own
// (bench/s3-put.bench.mjs). Run as `node --max-semi-space-size=4 resource.js` it peaks under
// 150 MiB; the flag has to be on the command line (set at run time it comes too late), so the
// image's /opt/resource wrappers are where it belongs.
import { runResource } from '@hangar/resource-sdk';
import { s3Resource } from './s3-resource.js';

runResource(s3Resource);
