// Entry point of dist/resource.js: `/opt/resource/{check,in,out}` link or wrap it.
//
// Memory: a put reads each part from the file into one of 4 reusable buffers (multipart.ts), so a
// 256 MiB put peaks near 110 MiB RSS (bench/s3-put.bench.mjs). lib-storage, used before, copied
// every part into a fresh Buffer that V8 freed late: 164 MiB for the same put, and neither
// `node --max-semi-space-size=4` nor v8.setFlagsFromString brought it under 150 MiB. The benchmark
// had reported 270–370 MiB for both: getrusage's maxRSS carries the parent's peak across fork
// and exec, so s3-maxrss.mjs now reads the process's own VmHWM.
import { runResource } from '@hangar/resource-sdk';
import { s3Resource } from './s3-resource.js';

runResource(s3Resource);
