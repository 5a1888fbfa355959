// GitHub's answers, checked before anything reads them: per endpoint, the fields this resource
// uses. A proxy's login page or an Enterprise server answering off the API fails here, in one
// line naming the endpoint, instead of deep inside the resource.
import * as z from 'zod/mini';
import { parseAnswer, type Redactor } from '@hangar/resource-sdk';

export { UnexpectedAnswer } from '@hangar/resource-sdk';

const release = z.object({
  id: z.number(),
  tag_name: z.string(),
  name: z.nullable(z.string()),
  body: z.optional(z.nullable(z.string())),
  draft: z.boolean(),
  prerelease: z.boolean(),
  html_url: z.string(),
  created_at: z.string(),
  published_at: z.nullable(z.string()),
  /** Published with immutable releases on: assets and tag are frozen. */
  immutable: z.optional(z.boolean()),
});
/** The fields of GitHub's release object this resource reads. */
export type Release = z.output<typeof release>;

const asset = z.object({ id: z.number(), name: z.string(), state: z.string(), size: z.number() });
export type Asset = z.output<typeof asset>;

const tag = z.object({ name: z.string(), commit: z.object({ sha: z.string() }) });
export type Tag = z.output<typeof tag>;

/** A ref or an annotated tag: what it points at. */
const gitObject = z.object({ object: z.object({ type: z.string(), sha: z.string() }) });

const repo = '/repos/[^/]+/[^/]+';
/** [method, path (the end of the URL's path: GitHub Enterprise prefixes /api/v3), schema]. */
const ROUTES: readonly [string, RegExp, z.ZodMiniType][] = [
  ['GET', new RegExp(`${repo}/releases$`), z.array(release)],
  ['POST', new RegExp(`${repo}/releases$`), release],
  ['GET', new RegExp(`${repo}/releases/(\\d+|tags/.+)$`), release],
  ['PATCH', new RegExp(`${repo}/releases/\\d+$`), release],
  ['GET', new RegExp(`${repo}/releases/\\d+/assets$`), z.array(asset)],
  ['POST', new RegExp(`${repo}/releases/\\d+/assets$`), asset],
  ['GET', new RegExp(`${repo}/tags$`), z.array(tag)],
  ['GET', new RegExp(`${repo}/git/(ref/tags/.+|tags/[0-9a-f]+)$`), gitObject],
  ['GET', new RegExp(`${repo}/immutable-releases$`), z.object({ enabled: z.boolean() })],
  [
    'POST',
    /\/app\/installations\/\d+\/access_tokens$/,
    z.object({ token: z.string(), expires_at: z.string() }),
  ],
];

/**
 * Throws UnexpectedAnswer when a successful answer of a known endpoint lacks what we read from it.
 * Downloads, deletions and other bodies we do not read pass unchecked.
 */
export function checkAnswer(
  method: string,
  response: { status: number; url: string; data: unknown },
  redactor: Redactor,
): void {
  const path = new URL(response.url).pathname;
  const schema = ROUTES.find(([verb, route]) => verb === method && route.test(path))?.[2];
  if (!schema) return;
  // Octokit decodes JSON bodies; a string is a body it could not decode.
  const undecoded = typeof response.data === 'string';
  parseAnswer(
    schema,
    {
      answered: `${method} ${path} answered ${response.status}`,
      text: undecoded ? (response.data as string) : JSON.stringify(response.data),
      json: undecoded ? undefined : response.data,
    },
    redactor,
  );
}
