export * from './build-runner.js';
export * from './checker.js';
export * from './concurrency.js';
export * from './events.js';
export * from './inputs.js';
export * from './pipeline-runner.js';
export * from './state.js';
