// check: versions are created by puts only; echo the one Concourse knows.
import type { CheckContext, Version } from '@hangar/resource-sdk';
import type { Source } from './source.js';

export function check({ version }: CheckContext<Source>): Promise<Version[]> {
  return Promise.resolve(version ? [version] : []);
}
