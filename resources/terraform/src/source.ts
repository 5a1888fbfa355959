// Schemas of the terraform resource. The same set of terraform fields is accepted in `source`,
// put `params` and get `params`; `out` merges them (see config.ts).
import * as z from 'zod/mini';

/** A Go duration as `-lock-timeout` takes it: `0s`, `90s`, `5m`, `1m30s`. */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

const stringMap = z.record(z.string(), z.string());
const anyMap = z.record(z.string(), z.unknown());

/** The fields of the reference's `Terraform` struct, valid in source, put params and get params. */
const terraformFields = {
  backend_type: z.optional(z.string().check(z.minLength(1))),
  backend_config: z.optional(anyMap),
  terraform_source: z.optional(z.string().check(z.minLength(1))),
  vars: z.optional(anyMap),
  var_files: z.optional(z.array(z.string().check(z.minLength(1)))),
  env: z.optional(stringMap),
  delete_on_failure: z.optional(z.boolean()),
  private_key: z.optional(z.string()),
  plan_only: z.optional(z.boolean()),
  plan_run: z.optional(z.boolean()),
  import_files: z.optional(z.array(z.string().check(z.minLength(1)))),
  override_files: z.optional(z.array(z.string().check(z.minLength(1)))),
  module_override_files: z.optional(
    z.array(z.strictObject({ src: z.string().check(z.minLength(1)), dst: z.string().check(z.minLength(1)) })),
  ),
  plugin_dir: z.optional(z.string().check(z.minLength(1))),
  parallelism: z.optional(z.int().check(z.minimum(1))),
  lock_timeout: z.optional(
    z
      .string()
      .check(z.refine((value) => DURATION.test(value), 'must be a duration such as 30s, 5m or 1m30s')),
  ),
  /** Removed in Terraform 0.12; accepted only to explain that. */
  output_module: z.optional(z.unknown()),
};

/** The legacy `storage` block: accepted so that we can explain the migration, never used. */
const legacyStorage = z.strictObject({
  driver: z.optional(z.string()),
  bucket: z.optional(z.string()),
  bucket_path: z.optional(z.string()),
  access_key_id: z.optional(z.string()),
  secret_access_key: z.optional(z.string()),
  region_name: z.optional(z.string()),
  endpoint: z.optional(z.string()),
  use_signing_v2: z.optional(z.boolean()),
  use_signing_v4: z.optional(z.boolean()),
  server_side_encryption: z.optional(z.string()),
  sse_kms_key_id: z.optional(z.string()),
});

const envName = z.string().check(z.minLength(1));

export const sourceSchema = z.strictObject({
  ...terraformFields,
  /** One fixed environment (= workspace) for check and put. */
  env_name: z.optional(envName),
  /** `tofu` (shipped in the image) or `terraform` (bring your own image). */
  binary: z._default(z.enum(['tofu', 'terraform']), 'tofu'),
  /** `env_name`: one workspace per environment; `default`: the backend's default workspace. */
  workspace: z._default(z.enum(['env_name', 'default']), 'env_name'),
  storage: z.optional(legacyStorage),
  migrated_from_storage: z.optional(legacyStorage),
});

export const putParamsSchema = z.strictObject({
  ...terraformFields,
  env_name: z.optional(envName),
  env_name_file: z.optional(z.string().check(z.minLength(1))),
  generate_random_name: z.optional(z.boolean()),
  action: z.optional(z.enum(['apply', 'destroy'])),
});

export const getParamsSchema = z.strictObject({
  ...terraformFields,
  action: z.optional(z.enum(['destroy'])),
  output_statefile: z.optional(z.boolean()),
  output_planfile: z.optional(z.boolean()),
});

export type Source = z.output<typeof sourceSchema>;
export type PutParams = z.output<typeof putParamsSchema>;
export type GetParams = z.output<typeof getParamsSchema>;

/** Every terraform field on its own (used for its type). */
export const terraformSchema = z.strictObject(terraformFields);

/** The terraform fields, as in each of source and params and after merging them. */
export type TerraformConfig = z.output<typeof terraformSchema>;
