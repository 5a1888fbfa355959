// Schemas of the terraform resource. The same set of terraform fields is accepted in `source`,
// put `params` and get `params`; `out` merges them (see config.ts).
import * as z from 'zod/mini';
import { goOptional } from '@hangar/resource-sdk';

/** A Go duration as `-lock-timeout` takes it: `0s`, `90s`, `5m`, `1m30s`. */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

const stringMap = z.record(z.string(), z.string());
const anyMap = z.record(z.string(), z.unknown());
const path = z.string().check(z.minLength(1));

/**
 * An optional field read as the Go reference decodes its structs (`""`, `0`, `false` and `null` are
 * unset), with the text editors show for it (JSON Schema `description`).
 */
const doc = <T extends z.ZodMiniType>(schema: T, text: string) => goOptional(schema.check(z.describe(text)));

/** The fields of the reference's `Terraform` struct, valid in source, put params and get params. */
const terraformFields = {
  backend_type: doc(
    z
      .string()
      .check(
        z.refine(
          (value) => /^[a-z][a-z0-9_]{0,63}$/.test(value),
          'must be a backend name such as s3, gcs or pg',
        ),
      ),
    'Backend of the state, e.g. s3, gcs, azurerm, pg (not local).',
  ),
  backend_config: doc(anyMap, 'Settings of the backend block, passed to init as -backend-config.'),
  terraform_source: doc(path, 'Directory of the root module, relative to the put directory.'),
  vars: doc(anyMap, 'Input variables; source.vars < params.vars < var_files.'),
  var_files: doc(z.array(path), 'YAML/JSON or .tfvars files of variables; later files win.'),
  env: doc(stringMap, 'Environment of every tofu command (e.g. AWS_*, TF_VAR_*).'),
  delete_on_failure: doc(z.boolean(), 'Destroy the environment when its apply fails.'),
  private_key: doc(z.string(), 'SSH private key for fetching modules from private git repositories.'),
  plan_only: doc(z.boolean(), 'Plan and store the plan in the backend; apply nothing.'),
  plan_run: doc(z.boolean(), 'Apply the plan stored by an earlier plan_only put.'),
  import_files: doc(z.array(path), 'YAML/JSON files mapping resource addresses to ids to import.'),
  override_files: doc(
    z.array(path),
    'Files linked into terraform_source for this put (name them *_override.tf).',
  ),
  module_override_files: doc(
    z.array(z.strictObject({ src: path, dst: path })),
    'Files {src, dst} linked into the module directory dst for this put.',
  ),
  plugin_dir: doc(path, 'Directory of provider plugins; init uses it instead of a registry.'),
  parallelism: doc(
    z.int().check(z.minimum(1)),
    'Concurrent operations of apply/plan/destroy (tofu default 10).',
  ),
  lock_timeout: doc(
    z
      .string()
      .check(z.refine((value) => DURATION.test(value), 'must be a duration such as 30s, 5m or 1m30s')),
    '-lock-timeout of plan, apply and destroy: how long to wait for the state lock.',
  ),
  /** Removed in Terraform 0.12: an error in get params, ignored elsewhere (as in the reference). */
  output_module: doc(z.unknown(), 'Removed in Terraform 0.12: an error in get params.'),
  /** Ours: the reference reports no plan summary. */
  summary_metadata: doc(
    z.boolean(),
    'Add to_add, to_change and to_destroy (from the plan or apply) to the metadata.',
  ),
};

/** The legacy `storage` block (the reference's `storage.Model`): state files in an S3 bucket. */
const legacyStorage = z.strictObject({
  driver: doc(z.string(), "Storage driver: only 's3' (the default)."),
  bucket: doc(z.string(), 'Bucket holding the state files.'),
  bucket_path: doc(z.string(), 'Prefix of the state files: <bucket_path>/<env_name>.tfstate.'),
  access_key_id: doc(z.string(), 'Access key of the bucket.'),
  secret_access_key: doc(z.string(), 'Secret key of the bucket.'),
  region_name: doc(z.string(), 'Region of the bucket (default us-east-1).'),
  endpoint: doc(z.string(), 'S3-compatible endpoint (host or URL).'),
  use_signing_v2: doc(z.boolean(), 'Sign requests with SigV2 (the default with an endpoint).'),
  use_signing_v4: doc(z.boolean(), 'Sign requests with SigV4 even with an endpoint.'),
  server_side_encryption: doc(z.string(), 'Server-side encryption of uploaded files, e.g. AES256.'),
  sse_kms_key_id: doc(z.string(), 'KMS key id: uploads use aws:kms encryption with it.'),
});

export type LegacyStorageModel = z.output<typeof legacyStorage>;

/** A workspace name: S3 keys and most backends cap it well below this. */
const envName = z.string().check(z.minLength(1), z.maxLength(255));

export const sourceSchema = z.strictObject({
  ...terraformFields,
  /** One fixed environment (= workspace) for check and put. */
  env_name: doc(envName, 'The one environment (workspace) this resource checks and puts.'),
  /** `tofu` (shipped in the image) or `terraform` (bring your own image). */
  binary: goOptional(
    z._default(
      z
        .enum(['tofu', 'terraform'])
        .check(z.describe('tofu (in the image) or terraform (a custom image must add it).')),
      'tofu',
    ),
  ),
  /** `env_name`: one workspace per environment; `default`: the backend's default workspace. */
  workspace: goOptional(
    z._default(
      z
        .enum(['env_name', 'default'])
        .check(z.describe('env_name: a workspace per environment; default: the default workspace.')),
      'env_name',
    ),
  ),
  storage: doc(
    legacyStorage,
    'Legacy storage mode: <bucket_path>/<env_name>.tfstate in S3 instead of a backend (no backend_type).',
  ),
  migrated_from_storage: doc(
    legacyStorage,
    'With backend_type: environments not yet in the backend are read (and on put moved) from this storage.',
  ),
});

export const putParamsSchema = z.strictObject({
  ...terraformFields,
  env_name: doc(envName, 'The environment (workspace) to apply; overrides source.env_name.'),
  env_name_file: doc(path, 'File holding the environment name (wins over env_name).'),
  generate_random_name: doc(z.boolean(), 'Use a new random adjective-noun environment name.'),
  action: doc(
    z.string(),
    'destroy: destroy the environment and delete its workspace; any other value applies (as in the reference).',
  ),
});

export const getParamsSchema = z.strictObject({
  ...terraformFields,
  action: doc(z.string(), 'destroy: write only the name file; any other value is an ordinary get.'),
  output_statefile: doc(z.boolean(), 'Also write terraform.tfstate.'),
  output_planfile: doc(z.boolean(), 'For plan versions, also write plan.json.'),
});

export type Source = z.output<typeof sourceSchema>;
export type PutParams = z.output<typeof putParamsSchema>;
export type GetParams = z.output<typeof getParamsSchema>;

/** Every terraform field on its own (used for its type). */
export const terraformSchema = z.strictObject(terraformFields);

/** The terraform fields, as in each of source and params and after merging them. */
export type TerraformConfig = z.output<typeof terraformSchema>;
