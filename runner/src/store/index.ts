export * from './store.js';
export * from './version-identity.js';
export * from './pipeline-ref.js';
