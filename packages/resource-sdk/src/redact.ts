/** What replaces a secret wherever a resource prints text, as in Concourse's own redaction. */
export const REDACTED = '((redacted))';

/** Keys whose string values are treated as secrets without the resource having to say so. */
const SECRET_KEY = /password|passphrase|secret|token|private_key|credential|webhook|(^|_)key$/i;

/**
 * `scheme://user:pass@` — the userinfo part is never printed. Anchored on `://` rather than on the
 * scheme: a scheme-first pattern backtracks quadratically on long runs like `a-a-a-…`.
 */
const URL_USERINFO = /(:\/\/)[^\s/@]+@/g;

/** Lines shorter than this are not redacted on their own (a one-character line would garble logs). */
const MIN_SECRET_LENGTH = 2;

export const looksSecret = (key: string): boolean => SECRET_KEY.test(key);

/**
 * Remembers secret values and scrubs them from text. Built from the request's `source` and
 * `params`: every string under a secret-looking key (or one the resource names) is a secret, and
 * so is each of its lines, like Concourse's credential redaction.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  static fromConfig(config: unknown, extraSecretKeys: readonly string[] = []): Redactor {
    const redactor = new Redactor();
    redactor.collect(config, extraSecretKeys);
    return redactor;
  }

  /** Adds a value known to be secret (a token read from a file, a generated password). */
  add(secret: string): void {
    for (const candidate of [secret, ...secret.split(/\r?\n/)]) {
      const trimmed = candidate.trim();
      if (trimmed.length >= MIN_SECRET_LENGTH) this.secrets.add(trimmed);
    }
  }

  redact(text: string): string {
    let out = text;
    const longestFirst = [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of longestFirst) out = out.split(secret).join(REDACTED);
    return out.replace(URL_USERINFO, `$1${REDACTED}@`);
  }

  private collect(value: unknown, extraSecretKeys: readonly string[], key = ''): void {
    if (typeof value === 'string') {
      if (key && (looksSecret(key) || extraSecretKeys.includes(key))) this.add(value);
      for (const match of value.matchAll(/:\/\/([^\s/@]+)@/g)) {
        const userinfo = match[1] ?? '';
        const password = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : userinfo;
        this.add(decodeURIComponentSafe(password));
        this.add(password);
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.collect(item, extraSecretKeys, key);
      return;
    }
    if (value && typeof value === 'object') {
      for (const [childKey, child] of Object.entries(value)) this.collect(child, extraSecretKeys, childKey);
    }
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
