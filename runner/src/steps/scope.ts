// A build's artifact namespace and local vars. `across` combinations get a child scope whose
// registrations stay invisible to the parent; lookups walk up the chain.

export class Scope {
  readonly #artifacts = new Map<string, string>();
  readonly #vars = new Map<string, unknown>();

  constructor(readonly parent?: Scope) {}

  child(): Scope {
    return new Scope(this);
  }

  registerArtifact(name: string, dir: string): void {
    this.#artifacts.set(name, dir);
  }

  artifact(name: string): string | undefined {
    return this.#artifacts.get(name) ?? this.parent?.artifact(name);
  }

  /** Every artifact visible here (inner names shadow outer ones). */
  artifacts(): Map<string, string> {
    const all = this.parent ? this.parent.artifacts() : new Map<string, string>();
    for (const [k, v] of this.#artifacts) all.set(k, v);
    return all;
  }

  setVar(name: string, value: unknown): void {
    this.#vars.set(name, value);
  }

  hasVar(name: string): boolean {
    return this.#vars.has(name) || (this.parent?.hasVar(name) ?? false);
  }

  getVar(name: string): { found: true; value: unknown } | { found: false } {
    if (this.#vars.has(name)) return { found: true, value: this.#vars.get(name) };
    return this.parent ? this.parent.getVar(name) : { found: false };
  }
}
