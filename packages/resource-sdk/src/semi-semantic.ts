// Version ordering shared by the s3 and github-release resources, as the Go resources order them
// (cppforlife/go-semi-semantic): `release[-pre][+post]`, each segment dot-separated; components
// compare numerically when both are integers, lexically when both are strings, and an integer
// sorts before a string; missing trailing components count as 0, so `1.0` equals `1.0.0`; a
// pre-release sorts before its release, a post-release after.

type Component = number | string;

export interface SemiSemanticVersion {
  readonly text: string;
  readonly release: readonly Component[];
  readonly pre: readonly Component[] | undefined;
  readonly post: readonly Component[] | undefined;
}

const SHAPE = /^([0-9A-Za-z_.]+)(?:-([0-9A-Za-z_.-]+))?(?:\+([0-9A-Za-z_.-]+))?$/;

function parseSegment(text: string): Component[] | undefined {
  const components: Component[] = [];
  for (const part of text.split('.')) {
    if (part === '') return undefined;
    components.push(/^\d+$/.test(part) ? Number(part) : part);
  }
  return components;
}

/** Parses a captured version, or returns undefined when it is not one (`''`, `1..2`, `v 1`). */
export function parseSemiSemantic(text: string): SemiSemanticVersion | undefined {
  const match = SHAPE.exec(text);
  if (!match) return undefined;
  const release = parseSegment(match[1] ?? '');
  const pre = match[2] === undefined ? undefined : parseSegment(match[2]);
  const post = match[3] === undefined ? undefined : parseSegment(match[3]);
  if (!release || (match[2] !== undefined && !pre) || (match[3] !== undefined && !post)) return undefined;
  return { text, release, pre, post };
}

function compareComponent(a: Component, b: Component): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSegment(a: readonly Component[], b: readonly Component[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const order = compareComponent(a[index] ?? 0, b[index] ?? 0);
    if (order !== 0) return order;
  }
  return 0;
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareSemiSemantic(a: SemiSemanticVersion, b: SemiSemanticVersion): number {
  const release = compareSegment(a.release, b.release);
  if (release !== 0) return release;
  // A release without pre-release is newer than any of its pre-releases.
  if (a.pre && !b.pre) return -1;
  if (!a.pre && b.pre) return 1;
  if (a.pre && b.pre) {
    const pre = compareSegment(a.pre, b.pre);
    if (pre !== 0) return pre;
  }
  // A post-release is newer than the plain release.
  if (a.post && !b.post) return 1;
  if (!a.post && b.post) return -1;
  return a.post && b.post ? compareSegment(a.post, b.post) : 0;
}
