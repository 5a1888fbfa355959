// The class of every check. MUST: what Concourse relies on; a resource that breaks one breaks pipelines,
// so it decides the verdict. SHOULD: hardening the reference resources mostly do without; reported as a
// recommendation, a failure only with --strict.

export type CheckLevel = 'must' | 'should';

/** The generic suite's checks, in report order, with their class. */
export const GENERIC_CHECKS: readonly { id: string; level: CheckLevel }[] = [
  { id: 'executables', level: 'must' },
  { id: 'check.initial', level: 'must' },
  { id: 'check.from-latest', level: 'must' },
  { id: 'check.from-unknown', level: 'must' },
  { id: 'check.idempotent', level: 'must' },
  { id: 'check.order', level: 'must' },
  { id: 'check.unique', level: 'must' },
  { id: 'in.echoes-version', level: 'must' },
  { id: 'in.missing-version', level: 'must' },
  { id: 'in.writes-in-destination', level: 'must' },
  { id: 'out.round-trip', level: 'must' },
  { id: 'stdout.json', level: 'must' },
  { id: 'response.shape', level: 'must' },
  { id: 'versions.strings', level: 'must' },
  { id: 'versions.not-empty', level: 'must' },
  { id: 'timeouts', level: 'must' },
  { id: 'secrets.not-leaked', level: 'must' },
  { id: 'robust.absent-params', level: 'should' },
  { id: 'robust.null-source', level: 'should' },
  { id: 'home.untouched', level: 'should' },
  { id: 'secrets.not-on-disk', level: 'should' },
  { id: 'secrets.not-in-processes', level: 'should' },
  // then every bad-input.* entry (should), in corpus order
];

/** A check's class: the catalog's, `should` for the bad-input corpus, `must` for case steps. */
export function levelOf(id: string): CheckLevel {
  const entry = GENERIC_CHECKS.find((c) => c.id === id);
  if (entry) return entry.level;
  return id.startsWith('bad-input.') ? 'should' : 'must';
}
