export * from './bin.js';
