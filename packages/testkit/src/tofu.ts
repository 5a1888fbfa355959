// OpenTofu is a plain binary for tests that run `tofu init/plan/apply` against local state.
import { requireBinary } from './bin.js';

/** Absolute path of the OpenTofu binary scripts/bootstrap builds into ~/.cache/hangar/bin. */
export const tofuPath = (): string => requireBinary('tofu');
