// The registry's JSON answers, checked before the client reads them: token responses, manifests
// and indexes (error bodies: errors.ts). Something else (a proxy's page, a cut-off body, wrong types) is one
// line naming the request, the status and what was wrong, quoting the body with secrets removed.
import * as z from 'zod/mini';
import { ConfigError, parseConfig, type Redactor } from '@hangar/resource-sdk';
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

/** How much of an unexpected body an error quotes. */
const QUOTED_CHARACTERS = 200;

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

/** `<request> answered <status> with an unexpected body (<problem>): <first characters>`. */
function unexpected(answer: Answer, problem: string): RegistryError {
  // Redacted before it is cut, so a secret across the cut cannot leak its first half.
  const quoted = answer.redactor.redact(answer.text).slice(0, QUOTED_CHARACTERS).replace(/\s+/g, ' ');
  return new RegistryError(
    `registry ${answer.registry}: ${answer.what} answered ${answer.status} with an unexpected body (${problem}): ${quoted || '(empty)'}`,
    answer.status,
  );
}

function parseAnswer<S extends z.ZodMiniType>(schema: S, answer: Answer): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw unexpected(answer, 'the body is not JSON');
  }
  try {
    return parseConfig(schema, json, 'body');
  } catch (error) {
    if (error instanceof ConfigError) throw unexpected(answer, error.message);
    throw error;
  }
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
    throw unexpected(answer, `'${mediaType}' is not a manifest media type`);
  const manifest = parseAnswer(isIndexType(mediaType) ? imageIndex : imageManifest, answer);
  return { mediaType, manifest: { ...manifest, mediaType } as ImageManifest | ImageIndex };
}

/** The bearer token in a token server's answer. */
export function parseToken(answer: Answer): string {
  const { token, access_token } = parseAnswer(tokenAnswer, answer);
  return (token || access_token)!;
}
