import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The test process's own S3 clients (testkit's) would print the SDK's Node-version notice; the
// resource switches it off itself, which test/process.test.ts checks without this variable.
export default mergeConfig(
  shared,
  defineConfig({ test: { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } } }),
);
