// Recognises crash dumps in stderr: a stack trace is a bug report, not an error message.

const PATTERNS: { runtime: string; pattern: RegExp }[] = [
  { runtime: 'node', pattern: /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)\s*$/m },
  { runtime: 'python', pattern: /^Traceback \(most recent call last\):/m },
  { runtime: 'go', pattern: /^(panic: |goroutine \d+ \[)/m },
  { runtime: 'ruby', pattern: /\.rb:\d+:in [`']/ },
  { runtime: 'java', pattern: /^\s+at [\w$.]+\([\w$.]+\.java:\d+\)/m },
];

export function findStackTrace(stderr: string): string | undefined {
  for (const { runtime, pattern } of PATTERNS) {
    const match = pattern.exec(stderr);
    if (match) return `${runtime} stack trace (${JSON.stringify(match[0].trim().slice(0, 80))})`;
  }
  return undefined;
}
