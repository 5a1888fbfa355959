// Lock commit messages: the reference's two lines ("<verb>: <lock>" and "Build URL: …"), then
// git trailers saying who made the change and when, so holders can be read back by machines
// (`git log --format='%(trailers:key=Hangar-Holder,valueonly)'`).
import { randomBytes } from 'node:crypto';
import type { BuildMetadata } from '@hangar/resource-sdk';

export type Verb =
  'claiming' | 'unclaiming' | 'adding unclaimed' | 'adding claimed' | 'removing' | 'updating';

export interface Trailers {
  holder: string;
  buildId: string;
  at: string;
  /** Unique per put: tells this put's own commits apart from everyone else's. */
  request: string;
}

export function trailersFor(build: BuildMetadata, now = new Date()): Trailers {
  const job = [build.teamName, build.pipelineName, build.jobName].filter(Boolean).join('/');
  const holder = build.url ?? (job ? `${job}${build.name ? ` #${build.name}` : ''}` : 'unknown');
  return {
    holder,
    buildId: build.id ?? '',
    at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    request: randomBytes(8).toString('hex'),
  };
}

export function lockCommitMessage(
  verb: Verb,
  locks: readonly string[],
  build: BuildMetadata,
  trailers: Trailers,
  extra: Record<string, string> = {},
): string {
  const lines = [
    `${verb}: ${locks.join(', ')}`,
    `Build URL: ${build.url ?? ''} `,
    '',
    `Hangar-Holder: ${trailers.holder}`,
    ...(trailers.buildId ? [`Hangar-Build-Id: ${trailers.buildId}`] : []),
    `Hangar-At: ${trailers.at}`,
    `Hangar-Request: ${trailers.request}`,
    ...Object.entries(extra).map(([key, value]) => `${key}: ${value}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Value of a `Key: value` trailer line in a commit message. */
export function trailer(message: string, key: string): string | undefined {
  const match = new RegExp(`^${key}: (.*)$`, 'm').exec(message);
  return match?.[1]?.trim();
}
