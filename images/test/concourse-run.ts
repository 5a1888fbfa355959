// Runs a resource script inside an unpacked image the way a Concourse worker does: the image's Env
// and User, /opt/resource/<script> with the build dir as argv[1] and cwd, the request on stdin,
// and build metadata in the environment of in/out.
import { chown, mkdir } from 'node:fs/promises';
import { resolveContainerUser, runInRootfs, type ImageConfig, type RuncResult } from '@hangar/oci';

export const BUILD_METADATA = {
  BUILD_ID: '42',
  BUILD_NAME: '7',
  BUILD_JOB_NAME: 'unit',
  BUILD_PIPELINE_NAME: 'hangar',
  BUILD_TEAM_NAME: 'main',
  ATC_EXTERNAL_URL: 'http://127.0.0.1:8080',
};

export async function runLikeConcourse(
  rootfs: string,
  config: ImageConfig,
  script: 'check' | 'in' | 'out',
  request: unknown,
  buildDir?: string,
  options: { hostNetwork?: boolean } = {},
): Promise<RuncResult & { json: unknown }> {
  const user = await resolveContainerUser(rootfs, config.config?.User);
  const env = [...(config.config?.Env ?? [])];
  if (script !== 'check')
    env.push(...Object.entries(BUILD_METADATA).map(([key, value]) => `${key}=${value}`));
  const destination = script === 'in' ? '/tmp/build/get' : '/tmp/build/put';
  if (buildDir) {
    // A worker hands the container a volume it can write to.
    await mkdir(buildDir, { recursive: true });
    await chown(buildDir, user.uid, user.gid);
  }
  const result = await runInRootfs({
    rootfs,
    args: script === 'check' ? ['/opt/resource/check'] : [`/opt/resource/${script}`, destination],
    cwd: script === 'check' ? '/' : destination,
    env,
    user,
    stdin: JSON.stringify(request),
    binds: buildDir && script !== 'check' ? [{ source: buildDir, destination }] : [],
    timeoutMs: 60_000,
    ...(options.hostNetwork ? { hostNetwork: true } : {}),
  });
  let json: unknown;
  try {
    json = JSON.parse(result.stdout.toString());
  } catch {
    json = undefined;
  }
  return { ...result, json };
}
