export * from './types.js';
export * from './errors.js';
export * from './schema.js';
export * from './redact.js';
export * from './logger.js';
export * from './build-metadata.js';
export * from './files.js';
export * from './extract.js';
export * from './retry.js';
export { decodeRequest, type RawRequest } from './request.js';
export { UnexpectedAnswer, describeUnexpectedAnswer, parseAnswer, type Answer } from './answers.js';
export { goOptional, jqString, jqNumber, jqBoolean, type Tolerant } from './tolerant.js';
export {
  runResource,
  invokeResource,
  defineResource,
  parseInvocation,
  type ResourceDefinition,
  type ResourceIo,
  type CheckContext,
  type InContext,
  type OutContext,
} from './run.js';
