export * from './auth.js';
export * from './client.js';
export * from './errors.js';
export * from './reference.js';
export * from './transfer.js';
