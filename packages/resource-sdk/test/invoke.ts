export { runCaptured as invoke, type CapturedRun as Outcome } from '../src/testing.js';
