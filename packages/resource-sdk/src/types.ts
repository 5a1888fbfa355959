/** A resource version: string keys to string values, never empty. */
export type Version = Record<string, string>;

/** One metadata entry shown in the build log and exposed as `((.:step.name))`. */
export interface MetadataField {
  name: string;
  value: string;
  /** A display hint some references add (git: `time`, `message`); Concourse ignores it. */
  type?: string;
}

/** What `in` and `out` print on stdout. */
export interface VersionResult {
  version: Version;
  metadata?: MetadataField[];
  /** Top-level keys a reference prints beside these two (slack's `debug`); Concourse ignores them. */
  extra?: Record<string, unknown>;
}

/** The three scripts of a resource image: `/opt/resource/{check,in,out}`. */
export type ScriptName = 'check' | 'in' | 'out';
