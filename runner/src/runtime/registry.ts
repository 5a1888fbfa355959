// Which command runs a resource type on the host: explicit registrations (tests, --resource-type)
// first, then the workspace bundle `resources/<type>/dist/resource.js`.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export class ResourceTypeError extends Error {
  override name = 'ResourceTypeError';
}

/** The eight resource types this repository ships as bundles. */
export const bundledTypes = [
  'git',
  's3',
  'semver',
  'pool',
  'terraform',
  'slack',
  'grafana-annotation',
  'github-release',
] as const;

export class ResourceTypeRegistry {
  readonly #commands = new Map<string, string[]>();
  /** Custom `resource_types` of the running pipeline (images the host cannot run). */
  readonly #customTypes = new Set<string>();

  constructor(readonly workspace: string = findWorkspace()) {}

  /** Runs `type` as `command... <action> [dir]`. */
  register(type: string, command: string[]): void {
    this.#commands.set(type, command);
  }

  isRegistered(type: string): boolean {
    return this.#commands.has(type);
  }

  setCustomTypes(names: Iterable<string>): void {
    this.#customTypes.clear();
    for (const n of names) this.#customTypes.add(n);
  }

  bundlePath(type: string): string {
    return join(this.workspace, 'resources', type, 'dist', 'resource.js');
  }

  command(type: string): string[] {
    const registered = this.#commands.get(type);
    if (registered) return registered;
    if (this.#customTypes.has(type)) {
      throw new ResourceTypeError(
        `resource type '${type}' is a custom resource type (an image); the host runtime cannot run images — use the oci runtime (--runtime oci)`,
      );
    }
    const bundle = this.bundlePath(type);
    if (existsSync(bundle)) return [process.execPath, bundle];
    const shown = relative(process.cwd(), bundle) || bundle;
    if ((bundledTypes as readonly string[]).includes(type)) {
      throw new ResourceTypeError(
        `resource type '${type}' is not built: missing bundle ${shown} (run: npm run build -w @hangar/${type}-resource)`,
      );
    }
    throw new ResourceTypeError(
      `unknown resource type '${type}': no bundle at ${shown}; the host runtime runs only this repository's resource types`,
    );
  }
}

/** The monorepo root: the nearest ancestor of this file holding a `resources/` or `runner/` dir. */
function findWorkspace(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'runner')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = resolve(dir, '..');
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
