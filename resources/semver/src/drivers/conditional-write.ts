// The object-store drivers (s3, gcs) bump by compare-and-swap: read the object with its revision
// (ETag, generation), write on condition that the revision is still the one read, and start over
// when the store says it is not.
import { RemoteError, withRetry } from '@hangar/resource-sdk';
import { formatVersion, type Version } from '../version.js';
import type { DriverContext } from './types.js';

/** Read-modify-write cycles before a bump gives up (first one included). */
export const BUMP_ATTEMPTS = 20;

/** The conditional write lost: another writer changed the object since we read it. */
export class WriteConflict extends RemoteError {}

/** What a conditional bump needs from the object holding the version. */
export interface ConditionalObject<Revision> {
  /** `s3://bucket/key`, `gs://bucket/key`: for messages. */
  where: string;
  /** The current version (the initial one when there is none) and the revision it was read at. */
  read(): Promise<{ current: Version; revision: Revision }>;
  /** Stores `version` unless the object is no longer at `revision`: then throws a WriteConflict. */
  writeIf(version: Version, revision: Revision): Promise<void>;
}

/** Reads, computes `next(current)` and writes it conditionally, again while the write loses a race. */
export async function bumpConditionally<Revision>(
  object: ConditionalObject<Revision>,
  context: DriverContext,
  next: (current: Version) => Version,
): Promise<Version> {
  const { where } = object;
  try {
    return await withRetry(
      async () => {
        const { current, revision } = await object.read();
        const bumped = next(current);
        await object.writeIf(bumped, revision);
        context.log.info(`stored ${formatVersion(bumped)} in ${where}`);
        return bumped;
      },
      {
        retries: BUMP_ATTEMPTS - 1,
        minDelayMs: 20,
        maxDelayMs: 1_000,
        signal: context.signal,
        shouldRetry: (error) => error instanceof WriteConflict,
        onRetry: (_error, attempt) =>
          context.log.info(`${where} changed meanwhile; retrying (attempt ${attempt + 1}/${BUMP_ATTEMPTS})`),
      },
    );
  } catch (error) {
    if (error instanceof WriteConflict)
      throw new RemoteError(
        `bump failed: ${where} kept changing during ${BUMP_ATTEMPTS} attempts, nothing was stored`,
        { cause: error },
      );
    throw error;
  }
}
