// One spec per image: which shared layers it stacks, where its bundle comes from, who it runs as.
import { join } from 'node:path';
import type { SharedLayerName } from './layers.js';

export interface ImageSpec {
  /** Concourse resource type name and image suffix: hangar/<type>-resource. */
  type: string;
  description: string;
  /** Layers below the resource bundle, most shared first. */
  layers: SharedLayerName[];
  /**
   * 'root' when the resource writes into Concourse's volumes (`/tmp/build/get|put`), which the
   * worker creates owned by root; the non-root user otherwise.
   */
  user: 'root' | 'hangar';
  /** Workspace package that produces `dist/resource.js`, relative to the repository root. */
  packageDir: string;
}

const NODE_ONLY: SharedLayerName[] = ['base', 'node'];
const WITH_GIT: SharedLayerName[] = ['base', 'node', 'git'];

function resource(
  type: string,
  description: string,
  layers: SharedLayerName[],
  user: 'root' | 'hangar' = 'root',
): ImageSpec {
  return { type, description, layers, user, packageDir: join('resources', type) };
}

/** The eight resource types Hangar ships. */
export const RESOURCE_SPECS: readonly ImageSpec[] = [
  resource('git', 'Tracks commits in a git repository', WITH_GIT),
  resource('pool', 'Locks held as files in a git repository', WITH_GIT),
  resource('semver', 'A semantic version stored in git, S3 or elsewhere', WITH_GIT),
  resource('s3', 'Versioned objects in S3-compatible storage', NODE_ONLY),
  resource('terraform', 'Applies OpenTofu/Terraform configuration', ['base', 'node', 'tofu']),
  resource('github-release', 'Releases of a GitHub repository', NODE_ONLY),
  resource('slack', 'Posts messages to Slack', NODE_ONLY, 'hangar'),
  resource('grafana-annotation', 'Grafana annotations for builds', NODE_ONLY, 'hangar'),
];

/**
 * The SDK's counter fixture: a sample resource the machinery is proven on before the real ones
 * land. Its bundle is built from packages/resource-sdk/test/fixtures/counter-main.ts.
 */
export const SAMPLE_SPEC: ImageSpec = {
  type: 'counter',
  description: 'Sample resource from the SDK tests (versions 1..source.latest)',
  layers: NODE_ONLY,
  user: 'hangar',
  packageDir: join('packages', 'resource-sdk'),
};

export function findSpec(type: string): ImageSpec | undefined {
  return type === SAMPLE_SPEC.type ? SAMPLE_SPEC : RESOURCE_SPECS.find((spec) => spec.type === type);
}

export const ENV_PATH = '/usr/local/bin:/usr/bin:/bin';
export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
