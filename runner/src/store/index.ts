export * from './store.js';
export * from './version-identity.js';
