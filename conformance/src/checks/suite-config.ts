// What the generic suite needs to know about a resource: only how to configure it, nothing of its type.

export interface SuiteConfig {
  /** A working `source`. */
  source: Record<string, unknown>;
  /** `params` for `in` (get). */
  getParams?: Record<string, unknown> | undefined;
  /** `params` for `out` (put); without them the put round-trip is skipped. */
  putParams?: Record<string, unknown> | undefined;
  /** Artifacts for `out`: name -> host directory, mounted at `$1/<name>`. */
  inputs?: Record<string, string> | undefined;
  /** Secret fields as paths: `source.private_key`, `params.token` (put and get params). */
  secrets?: string[] | undefined;
  /**
   * Declared outputs that may hold secrets, as container paths or prefixes (`/tmp/build/get/credentials`,
   * `/root/.ssh/`). Other files that contain a canary fail `secrets.not-leaked` (under `$1`)
   * or `secrets.not-on-disk` (anywhere else).
   */
  secretOutputs?: string[] | undefined;
  /** Snapshots the remote (any JSON-able value); compared before and after the bad-input corpus. */
  probe?: (() => Promise<unknown>) | undefined;
  /** Checks not to run: ids or id prefixes (`bad-input` skips the whole corpus, `secrets` the canaries). */
  skip?: string[] | undefined;
  /** Bad-input entries this resource legitimately accepts (ids from the corpus). */
  skipBadInput?: string[] | undefined;
  /** Checks that cannot apply to this resource type, by id, with the reason shown in the report. */
  notApplicable?: Record<string, string> | undefined;
}
