// Running a resource's `check` (no BUILD_* env; request version = latest saved or `--from`) and
// saving the result with Concourse's check-order rule.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LineBuffer } from './line-buffer.js';
import { withTypeDefaults } from '../model/defaults.js';
import type { ResourceConfig, ResourceTypeConfig } from '../model/types.js';
import { parseCheckOutput, requestJson, type Version } from '../runtime/protocol.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import { Redactor } from '../vars/redact.js';
import { interpolate, type Lookup } from '../vars/template.js';

export interface CheckOutcome {
  resource: string;
  newVersions: number;
  error: string | undefined;
}

export async function checkResource(opts: {
  store: Store;
  runtime: Runtime;
  stateDir: string;
  resourceId: number;
  config: ResourceConfig;
  resourceTypes?: readonly ResourceTypeConfig[];
  from?: Version | undefined;
  signal: AbortSignal;
  onLog: (text: string) => void;
  /** Resolves `((var))` in the source (var sources); values it returns are redacted from logs. */
  lookup?: Lookup;
}): Promise<CheckOutcome> {
  const { store, config } = opts;
  const name = config.name;
  try {
    opts.runtime.assertResourceType(config.type, opts.resourceTypes);
    const redactor = new Redactor();
    const lookup: Lookup = (ref) => {
      const hit = opts.lookup?.(ref) ?? { found: false };
      if (hit.found) redactor.track(hit.value);
      return hit;
    };
    const withDefaults = withTypeDefaults(config.source, config.type, opts.resourceTypes ?? []);
    const source = interpolate(withDefaults ?? null, lookup, { allowUnresolved: false }).value;
    const from = opts.from ?? store.latestVersion(opts.resourceId)?.version;
    // The check "container" is reused between checks, like Concourse's check session.
    const cwd = join(opts.stateDir, 'check', String(opts.resourceId));
    await mkdir(cwd, { recursive: true });
    const lines = new LineBuffer((t) => opts.onLog(redactor.redact(t)));
    const result = await opts.runtime.runResource({
      type: config.type,
      action: 'check',
      cwd,
      stdin: requestJson(source, undefined, from),
      env: {},
      signal: opts.signal,
      onStderr: (t) => lines.push(t),
      resourceTypes: opts.resourceTypes,
    });
    lines.flush();
    if (result.exitCode !== 0) {
      const error = `check failed with exit status ${result.exitCode}`;
      store.setCheckResult(opts.resourceId, error);
      return { resource: name, newVersions: 0, error };
    }
    const versions = parseCheckOutput(result.stdout);
    const fresh = store.saveCheckedVersions(opts.resourceId, versions);
    store.setCheckResult(opts.resourceId, null);
    return { resource: name, newVersions: fresh, error: undefined };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    store.setCheckResult(opts.resourceId, error);
    return { resource: name, newVersions: 0, error };
  }
}
