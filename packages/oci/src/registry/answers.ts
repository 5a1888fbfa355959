// The registry's JSON answers, checked before the client reads them: token responses, manifests
// and indexes (error bodies: errors.ts). Something else (a proxy's page, a cut-off body, wrong types) is one
// line naming the request, the status and what was wrong, quoting the body with secrets removed.
import * as z from 'zod/mini';
import { describeUnexpectedAnswer, parseAnswer as parseBody, type Redactor } from '@hangar/resource-sdk';
import type { ImageIndex, ImageManifest } from '../manifest.js';
import { MANIFEST_TYPES, isIndexType } from '../media-types.js';
import { RegistryError } from './errors.js';

const descriptor = z.object({
  mediaType: z.string(),
  digest: z.string().check(z.regex(/^sha256:[a-f0-9]{64}$/)),
  size: z.int().check(z.nonnegative()),
});
const imageManifest = z.object({
  schemaVersion: z.literal(2),
  config: descriptor,
  layers: z.array(descriptor),
});
const imageIndex = z.object({ schemaVersion: z.literal(2), manifests: z.array(descriptor) });

/** Token servers answer `token`, OAuth2-style ones `access_token` (distribution's token spec). */
const tokenAnswer = z
  .object({ token: z.optional(z.string()), access_token: z.optional(z.string()) })
  .check(
    z.refine((answer) => Boolean(answer.token || answer.access_token), 'has neither token nor access_token'),
  );

export interface Answer {
  /** The registry, as messages name it. */
  registry: string;
  /** What the request was (`GET manifest app:1.0`). */
  what: string;
  status: number;
  text: string;
  /** Scrubs credentials and tokens from the quoted body. */
  redactor: Redactor;
}

const answered = (answer: Answer): string => `${answer.what} answered ${answer.status}`;

/** The registry's error for an unexpected answer: one line naming the registry and the request. */
const unexpected = (answer: Answer, message: string): RegistryError =>
  new RegistryError(`registry ${answer.registry}: ${message}`, answer.status);

function parseAnswer<S extends z.ZodMiniType>(schema: S, answer: Answer): z.output<S> {
  return parseBody(schema, { answered: answered(answer), text: answer.text }, answer.redactor, (message) =>
    unexpected(answer, message),
  );
}

/**
 * A manifest answer: its media type (the body's `mediaType`, else the Content-Type, as OCI
 * manifests may omit it) and the manifest or index, checked for what a pull walks.
 */
export function parseManifest(
  contentType: string | null,
  answer: Answer,
): { mediaType: string; manifest: ImageManifest | ImageIndex } {
  const declared = parseAnswer(z.object({ mediaType: z.optional(z.string()) }), answer).mediaType;
  const mediaType = declared ?? contentType?.split(';')[0]?.trim() ?? '';
  if (!MANIFEST_TYPES.includes(mediaType))
    throw unexpected(
      answer,
      describeUnexpectedAnswer(
        answered(answer),
        `'${mediaType}' is not a manifest media type`,
        answer.text,
        answer.redactor,
      ),
    );
  const manifest = parseAnswer(isIndexType(mediaType) ? imageIndex : imageManifest, answer);
  return { mediaType, manifest: { ...manifest, mediaType } as ImageManifest | ImageIndex };
}

/** The bearer token in a token server's answer. */
export function parseToken(answer: Answer): string {
  const { token, access_token } = parseAnswer(tokenAnswer, answer);
  return (token || access_token)!;
}
