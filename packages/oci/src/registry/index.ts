export * from './auth.js';
export * from './client.js';
export { RegistryError } from './errors.js';
export * from './reference.js';
export * from './transfer.js';
