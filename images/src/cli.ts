// hangar-images build | push | export-worker
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `usage:
  hangar-images build [type…] --out DIR [--platform P,…]  one OCI layout per type in DIR/oci/<type>
  hangar-images push --to REGISTRY/NAMESPACE [--out DIR] [type…]
  hangar-images export-worker --out DIR [--platform P] [type…]
                                                 DIR/resource-types/<type>/{resource_metadata.json,rootfs.tgz}

types: git pool semver s3 terraform github-release slack grafana-annotation, and 'counter' (the sample)
platforms: linux/amd64, linux/arm64; default this machine's. Several (linux/amd64,linux/arm64) make
  each tag a multi-platform index
DIR defaults to ./out; push and export-worker build whatever is not built yet`;

export async function main(argv: readonly string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        to: { type: 'string' },
        platform: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...types] = positionals;
    if (values.help || !command) {
      process.stdout.write(`${USAGE}\n`);
      return command || values.help ? 0 : 2;
    }
    // Imported here, not at the top: the usage needs none of it.
    const [
      { ConfigError },
      { buildImages },
      { builtLayouts, exportWorkerBundles, pushImages },
      { parsePlatforms },
    ] = await Promise.all([
      import('@hangar/resource-sdk'),
      import('./build.js'),
      import('./distribute.js'),
      import('./recipe.js'),
    ]);
    const out = resolve(values.out ?? 'out');
    const arches = values.platform === undefined ? [] : parsePlatforms(values.platform);
    const ensureBuilt = async () => {
      const existing = await builtLayouts(join(out, 'oci')).catch(() => []);
      const have = new Set(existing.map((ref) => ref.type));
      const missing = types.filter((type) => !have.has(type));
      if (missing.length || (!types.length && !existing.length))
        await buildImages({ out, types: missing, arches, log });
      return builtLayouts(join(out, 'oci'), types);
    };
    switch (command) {
      case 'build': {
        const { built, skipped } = await buildImages({ out, types, arches, log });
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
        if (arches.length > 1) throw new ConfigError('export-worker: a worker bundle has one --platform');
        const bundles = await exportWorkerBundles(out, await ensureBuilt(), {
          log,
          ...(arches[0] ? { arch: arches[0] } : {}),
        });
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
