// Upload of a file on disk in parts. Each of the `queueSize` workers owns one buffer of a part's
// size and reads its next part from the file into it, so memory stays at queueSize × part size
// however large the file, with no per-part allocation for the GC to free late (lib-storage copied
// every part of a stream into a fresh Buffer). Buffer bodies also keep the SDK's retries: it does
// not retry a request whose body is a stream.
import { open, readFile } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

export interface PartedUpload {
  /** Bucket, key and the object's attributes (tags as `Tagging`), without a body. */
  object: Omit<PutObjectCommandInput, 'Body' | 'ContentLength' | 'ChecksumAlgorithm'>;
  file: string;
  size: number;
  partSize: number;
  queueSize: number;
  /** The configured algorithm; the SDK's default (CRC32) applies when it computes checksums anyway. */
  checksumAlgorithm?: PutObjectCommandInput['ChecksumAlgorithm'];
  /** Called with the total bytes stored so far, after each part. */
  onProgress?: (uploaded: number) => void;
  signal?: AbortSignal | undefined;
}

/**
 * Stores the file as one PutObject when it fits in a part, otherwise as a multipart upload that is
 * aborted on any failure or on `signal`, so that neither an object nor an open upload is left.
 */
export async function uploadInParts(
  client: S3Client,
  upload: PartedUpload,
): Promise<{ VersionId?: string | undefined }> {
  const { object, file, size, partSize, signal } = upload;
  // As lib-storage does: S3 rejects part checksums on an upload created without an algorithm.
  const algorithm =
    upload.checksumAlgorithm ??
    ((await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED' ? 'CRC32' : undefined);
  const checksum = algorithm ? { ChecksumAlgorithm: algorithm } : {};
  if (size <= partSize)
    return client.send(
      new PutObjectCommand({ ...object, ...checksum, Body: await readFile(file) }),
      signal ? { abortSignal: signal } : {},
    );

  const { Bucket, Key } = object;
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ ...object, ...checksum }),
    signal ? { abortSignal: signal } : {},
  );
  // Stops the other parts as soon as one fails.
  const failed = new AbortController();
  const abortSignal = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  const count = Math.ceil(size / partSize);
  const parts: CompletedPart[] = [];
  const failures: unknown[] = [];
  let next = 0;
  let uploaded = 0;
  const handle = await open(file);
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(partSize);
    for (let index = next++; index < count; index = next++) {
      const start = index * partSize;
      const length = Math.min(partSize, size - start);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      if (bytesRead !== length) throw new Error(`${file} changed size during the upload`);
      const PartNumber = index + 1;
      const { ETag, ChecksumCRC32, ChecksumCRC32C, ChecksumCRC64NVME, ChecksumSHA1, ChecksumSHA256 } =
        await client.send(
          new UploadPartCommand({
            Bucket,
            Key,
            UploadId,
            PartNumber,
            Body: buffer.subarray(0, length),
            ContentLength: length,
            ...checksum,
          }),
          { abortSignal },
        );
      if (!ETag) throw new Error(`the store returned no ETag for part ${PartNumber}`);
      // The store checks these against the upload's algorithm (MinIO refuses to complete without).
      parts[index] = {
        PartNumber,
        ETag,
        ChecksumCRC32,
        ChecksumCRC32C,
        ChecksumCRC64NVME,
        ChecksumSHA1,
        ChecksumSHA256,
      };
      uploaded += length;
      upload.onProgress?.(uploaded);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(upload.queueSize, count) }, () =>
        worker().catch((error: unknown) => {
          failures.push(error);
          failed.abort(error);
        }),
      ),
    );
    if (failures.length) throw failures[0];
    signal?.throwIfAborted();
    return await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
  } catch (error) {
    // Best effort: the upload's own error is the one worth reporting.
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => {});
    throw error;
  } finally {
    await handle.close();
  }
}
