export * from './client.js';
export * from './errors.js';
export * from './fields.js';
export * from './answers.js';
