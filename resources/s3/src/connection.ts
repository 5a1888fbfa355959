// The s3 resource's client: the shared setup with the reference's credential rules.
import type { Logger } from '@hangar/resource-sdk';
import { clientOptionsFrom, createS3Client, credentialsFrom, type S3Connection } from '@hangar/s3-client';
import type { Source } from './source.js';

/**
 * Static keys when given; otherwise anonymous (public buckets work with no credentials), unless
 * `enable_aws_creds_provider` asks for the SDK's default chain. `aws_role_arn` is assumed with
 * whichever of those applies.
 */
export function openS3(source: Source, log: Logger): Promise<S3Connection> {
  const fallback = source.enable_aws_creds_provider
    ? ({ kind: 'default-chain' } as const)
    : ({ kind: 'anonymous' } as const);
  const credentials = credentialsFrom(
    source,
    source.aws_role_arn && fallback.kind === 'anonymous' ? { kind: 'default-chain' } : fallback,
  );
  return createS3Client(
    clientOptionsFrom(source, {
      credentials,
      assumeRoleArn: source.aws_role_arn,
      log,
    }),
  );
}
