// Paths in put params, read as the reference reads them: it runs in the put directory, so a
// relative path starts there, an absolute one is taken as it is, and `..` is followed.
import { resolve } from 'node:path';

/** A path of `terraform_source`, `env_name_file`, `import_files` or the override fields. */
export const putPath = (sources: string, path: string): string => resolve(sources, path);
