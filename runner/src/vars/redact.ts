// Credential values seen during a build are hidden from everything printed, line by line.

export const redactedMarker = '((redacted))';

/** Collects credential values and replaces each of their lines in text with `((redacted))`. */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Tracks a value fetched from a credential manager, var source or an unrevealed load_var. */
  track(value: unknown): void {
    if (typeof value === 'string') {
      for (const line of value.split('\n')) {
        const trimmed = line.trim();
        if (trimmed.length > 1) this.#secrets.add(trimmed);
      }
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      this.track(String(value));
    } else if (Array.isArray(value)) {
      value.forEach((v) => this.track(v));
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach((v) => this.track(v));
    }
  }

  /** The tracked values, longest first (so a secret containing another is replaced whole). */
  get secrets(): string[] {
    return [...this.#secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(redactedMarker);
    return out;
  }
}
