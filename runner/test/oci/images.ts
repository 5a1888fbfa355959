// Images for the oci runtime tests, built with @hangar/oci and pushed to a real local registry:
// busybox from Debian's busybox-static, a third-party-style resource written in plain sh on top
// of it, and the sample resource built by hangar-images (our own image format).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  LayerTree,
  OciLayout,
  pushImage,
  RegistryClient,
  writeImage,
  type ContainerConfig,
} from '@hangar/oci';
import { buildImages, type BuiltImage } from '@hangar/images';
import { startRegistry, type RegistryServer } from '@hangar/testkit';

const busybox = '/bin/busybox';

function busyboxTree(): LayerTree {
  const tree = new LayerTree();
  tree.add({ path: 'bin/busybox', type: 'file', sourcePath: busybox, mode: 0o755 });
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) if (applet !== 'busybox') tree.symlink(`bin/${applet}`, 'busybox');
  tree.file(
    'etc/passwd',
    'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n',
  );
  tree.file('etc/group', 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n');
  tree.directory('tmp', { mode: 0o1777 });
  tree.directory('root', { mode: 0o700 });
  return tree;
}

/** `sh` scripts, JSON by sed: the kind of resource people write without any SDK. */
const shResource: Record<string, string> = {
  // Each check counts up in /tmp, so a version per check shows the check container's /tmp is kept.
  check: `#!/bin/sh
set -e
n=$(cat /tmp/checks 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > /tmp/checks
echo "checked $n times" >&2
echo "[{\\"ref\\":\\"$n\\"}]"
`,
  in: `#!/bin/sh
set -e
request=$(cat)
ref=$(echo "$request" | sed -n 's/.*"ref":"\\([^"]*\\)".*/\\1/p')
echo "$ref" > "$1/ref"
echo "fetching $ref into $(pwd) as $(id -u)" >&2
echo "{\\"version\\":{\\"ref\\":\\"$ref\\"},\\"metadata\\":[{\\"name\\":\\"who\\",\\"value\\":\\"sh\\"}]}"
`,
  out: `#!/bin/sh
set -e
file=$(cat | sed -n 's/.*"file":"\\([^"]*\\)".*/\\1/p')
ref=$(cat "$1/$file")
echo "{\\"version\\":{\\"ref\\":\\"$ref\\"}}"
`,
};

export async function busyboxLayout(dir: string, withShResource = false): Promise<OciLayout> {
  const layout = await OciLayout.create(dir);
  const layers = [await layout.addLayer(busyboxTree(), { epoch: 0 })];
  if (withShResource) {
    const tree = new LayerTree();
    for (const [name, script] of Object.entries(shResource)) {
      tree.file(`opt/resource/${name}`, script, { mode: 0o755 });
    }
    layers.push(await layout.addLayer(tree, { epoch: 0 }));
  }
  const config: ContainerConfig = { Env: ['PATH=/bin', 'FROM_IMAGE=yes', 'GREETING=image'], User: '0:0' };
  await writeImage(layout, { layers, config, created: 0, tags: ['latest'] });
  return layout;
}

export async function push(host: string, layout: OciLayout, repository: string, tag: string): Promise<void> {
  await pushImage(new RegistryClient({ registry: host }), layout, 'latest', repository, { tags: [tag] });
}

/**
 * For the calling test file: a temp dir and a real local registry holding busybox as
 * `<repository>:1`, set up before its tests and removed after them.
 */
export function registryWithBusybox(prefix: string, repository = 'tools/busybox') {
  const fixture = {} as { work: string; registry: RegistryServer };
  beforeAll(async () => {
    fixture.work = await mkdtemp(join(tmpdir(), prefix));
    fixture.registry = await startRegistry();
    await push(fixture.registry.host, await busyboxLayout(join(fixture.work, 'busybox')), repository, '1');
  }, 120_000);
  afterAll(async () => {
    await fixture.registry?.stop();
    await rm(fixture.work, { recursive: true, force: true });
  });
  return fixture;
}

/** The sample resource image, as `hangar-images build counter` writes it under `<out>/oci/counter`. */
export async function counterImage(out: string): Promise<BuiltImage> {
  const { built } = await buildImages({ out, types: ['counter'] });
  const image = built[0];
  if (!image) throw new Error('hangar-images built no counter image');
  return image;
}

export const layoutOf = (out: string, type: string) => join(out, 'oci', type);
