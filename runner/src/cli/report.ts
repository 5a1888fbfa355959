// Renders validation results the way `fly validate-pipeline` prints them, with file:line:col added
// in front of every message.
import type { CheckResult, Located } from '../model/check.js';
import type { Position } from '../model/source.js';

export const formatPosition = (p: Position): string => `${p.file}:${p.line}:${p.col}`;

export function formatLocated(l: Located): string {
  return `${formatPosition(l.position)}: ${l.message}`;
}

const identifierDocs = 'https://concourse-ci.org/config-basics.html#schema.identifier';

/** The stderr text fly prints for warnings and errors (empty when there are none). */
export function renderFindings(check: Extract<CheckResult, { kind: 'checked' }>): string {
  const at = (path: Parameters<typeof check.source.locate>[0]): string =>
    formatPosition(check.source.locate(path));
  let out = '';
  const { warnings, errors } = check.result;
  if (warnings.length > 0) {
    out += '\nDEPRECATION WARNING:\n';
    for (const w of warnings) out += `  - ${at(w.path)}: ${w.message}\n`;
    out += '\n';
    if (warnings.some((w) => w.type === 'invalid_identifier'))
      out += `identifier schema documentation: ${identifierDocs}\n\n`;
  }
  if (errors.length > 0) {
    out += '\nWARNING:\nError loading existing config:\n';
    for (const group of errors) {
      const lines = group.errors.map((e) => `\t${at(e.path)}: ${e.message}`);
      out += `  - invalid ${group.section}:\n${lines.join('\n')}\n\n`;
    }
    out += '\n';
  }
  return out;
}
