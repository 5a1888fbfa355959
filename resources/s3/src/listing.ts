// Lists the keys a regexp can match, one path segment at a time (ListObjectsV2 with a `/`
// delimiter): a literal segment extends the prefix, a pattern segment lists one level and
// descends only into the "directories" it matches. The bucket is never scanned whole.
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { remoteError, type S3Connection } from '@hangar/s3-client';
import { isLiteral, literalLead, type KeyRegexp } from './key-regexp.js';

export interface ListedObject {
  key: string;
  lastModified: Date | undefined;
  size: number;
}

export interface Listing {
  /** Every key listed at the last level (matching or not). */
  objects: ListedObject[];
  /** The prefixes that were listed, for messages about a regexp that matches nothing. */
  prefixes: string[];
}

async function listLevel(
  s3: S3Connection,
  bucket: string,
  prefix: string,
  signal: AbortSignal | undefined,
  onPage: (page: ListObjectsV2CommandOutput) => void,
): Promise<void> {
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: '/',
          ...(token ? { ContinuationToken: token } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      throw remoteError(`cannot list s3://${bucket}/${prefix}`, error);
    }
    onPage(page);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export async function listCandidates(
  s3: S3Connection,
  bucket: string,
  regexp: KeyRegexp,
  signal?: AbortSignal,
): Promise<Listing> {
  const listing: Listing = { objects: [], prefixes: [] };
  const last = regexp.segments.length - 1;
  const walk = async (prefix: string, index: number): Promise<void> => {
    const segment = regexp.segments[index] ?? '';
    if (index < last && isLiteral(segment)) return walk(`${prefix}${segment}/`, index + 1);
    const listPrefix = prefix + literalLead(segment);
    listing.prefixes.push(listPrefix);
    const directories: string[] = [];
    await listLevel(s3, bucket, listPrefix, signal, (page) => {
      if (index === last) {
        for (const object of page.Contents ?? [])
          if (object.Key !== undefined)
            listing.objects.push({
              key: object.Key,
              lastModified: object.LastModified,
              size: object.Size ?? 0,
            });
      } else {
        const pattern = regexp.directoryPattern(prefix, index);
        for (const common of page.CommonPrefixes ?? [])
          if (common.Prefix && pattern.test(common.Prefix)) directories.push(common.Prefix);
      }
    });
    for (const directory of directories) await walk(directory, index + 1);
  };
  await walk('', 0);
  return listing;
}
