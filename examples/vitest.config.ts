import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// Each example starts its own services and runs whole pipelines: minutes, not seconds. Files run
// one at a time: the Concourse files each start a whole Concourse, and their tests already run side
// by side on it; two stacks starting at once on a 2-core machine only slow each other down.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 300_000, fileParallelism: false } }));
