import type { Source } from './source.js';

/** The workspace holding an environment's state: its own, or `default` for existing single-state setups. */
export const workspaceFor = (source: Pick<Source, 'workspace'>, envName: string): string =>
  source.workspace === 'default' ? 'default' : envName;
