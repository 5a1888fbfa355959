export * from './model/index.js';
export * from './vars/index.js';
