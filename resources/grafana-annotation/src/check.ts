// check: annotations are created by puts only; echo the version Concourse knows.
import type { CheckContext, Version } from '@hangar/resource-sdk';
import type { Source } from './source.js';

export function check({ version }: CheckContext<Source>): Promise<Version[]> {
  return Promise.resolve(version ? [version] : []);
}
