// hangar-images build | push | export-worker
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { buildImages } from './build.js';
import { builtLayouts, exportWorkerBundles, pushImages } from './distribute.js';

const USAGE = `usage:
  hangar-images build [type…] --out DIR          one OCI layout per type in DIR/oci/<type>
  hangar-images push --to REGISTRY/NAMESPACE [--out DIR] [type…]
  hangar-images export-worker --out DIR [type…]  DIR/resource-types/<type>/{resource_metadata.json,rootfs.tgz}

types: git pool semver s3 terraform github-release slack grafana-annotation, and 'counter' (the sample)
DIR defaults to ./out; push and export-worker build whatever is not built yet`;

export async function main(argv: readonly string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    const [command, ...types] = positionals;
    if (values.help || !command) {
      process.stdout.write(`${USAGE}\n`);
      return command || values.help ? 0 : 2;
    }
    const out = resolve(values.out ?? 'out');
    const ensureBuilt = async () => {
      const existing = await builtLayouts(join(out, 'oci')).catch(() => []);
      const have = new Set(existing.map((ref) => ref.type));
      const missing = types.filter((type) => !have.has(type));
      if (missing.length || (!types.length && !existing.length))
        await buildImages({ out, types: missing, log });
      return builtLayouts(join(out, 'oci'), types);
    };
    switch (command) {
      case 'build': {
        const { built, skipped } = await buildImages({ out, types, log });
        for (const image of built)
          process.stdout.write(`${image.repository}:${image.version}\t${image.manifest.digest}\n`);
        // Asking for a type by name that cannot be built is an error; building "all" skips what has not landed.
        return types.length && skipped.length ? 1 : 0;
      }
      case 'push': {
        if (!values.to) throw new Error('push needs --to REGISTRY/NAMESPACE');
        const pushed = await pushImages(values.to, await ensureBuilt(), { log });
        for (const image of pushed) process.stdout.write(`${image.reference}\t${image.digest}\n`);
        return 0;
      }
      case 'export-worker': {
        const bundles = await exportWorkerBundles(out, await ensureBuilt(), { log });
        for (const bundle of bundles) process.stdout.write(`${bundle.dir}\t${bundle.rootfsDigest}\n`);
        return 0;
      }
      default:
        process.stderr.write(`unknown command '${command}'\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`hangar-images: ${message}\n`);
    if (process.env['HANGAR_DEBUG'] === '1' && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
