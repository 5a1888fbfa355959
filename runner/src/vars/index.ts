export * from './reference.js';
export * from './template.js';
export * from './static.js';
export * from './redact.js';
