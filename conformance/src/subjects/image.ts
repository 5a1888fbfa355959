// Subject: an image in a registry, pulled (every platform, the registry's bytes) into a layout in
// the subject's work directory, then run with runc like `--oci`.
import path from 'node:path';
import { OciLayout, RegistryClient, parseImageReference, pullImage, type Credentials } from '@hangar/oci';
import { OciSubject } from './oci.js';

/** Credentials from HANGAR_REGISTRY_USERNAME / HANGAR_REGISTRY_PASSWORD, when both are set. */
export function registryCredentials(env: Record<string, string | undefined>): Credentials | undefined {
  const username = env['HANGAR_REGISTRY_USERNAME'];
  const password = env['HANGAR_REGISTRY_PASSWORD'];
  return username && password ? { username, password } : undefined;
}

export function imageSubject(text: string, credentials?: Credentials): OciSubject {
  const image = parseImageReference(text);
  const reference = image.digest ?? image.tag ?? 'latest';
  return new OciSubject(
    async (workDir) => {
      const dir = path.join(workDir, 'layout');
      const client = new RegistryClient({
        registry: image.registry,
        ...(credentials ? { credentials } : {}),
      });
      await pullImage(client, image.repository, reference, await OciLayout.create(dir), { tag: reference });
      return dir;
    },
    { reference, description: `image ${text}` },
  );
}
