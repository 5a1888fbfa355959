import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Each test file starts its own MinIO and runs real tofu: two files at a time suit two shared cores.
export default mergeConfig(shared, defineConfig({ test: { maxWorkers: 2 } }));
