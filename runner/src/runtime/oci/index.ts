export { OciRuntime, type OciRuntimeOptions } from './runtime.js';
export { runcUsable } from './probe.js';
