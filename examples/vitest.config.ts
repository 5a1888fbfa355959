import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// Each example starts its own services and runs whole pipelines: minutes, not seconds.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 300_000 } }));
