// Shared vitest settings: resolve workspace packages to their TypeScript sources (no prior build needed).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@hangar/source', 'import', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@hangar/source', 'import', 'node', 'default'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
