export * from './runtime.js';
export * from './registry.js';
export * from './host.js';
export * from './protocol.js';
export * from './oci/index.js';
