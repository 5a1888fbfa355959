// The one place the model touches the file system.
import { readFile } from 'node:fs/promises';
import { checkPipelineText, type CheckOptions, type CheckResult } from './check.js';

export async function checkPipelineFile(file: string, options: CheckOptions = {}): Promise<CheckResult> {
  const text = await readFile(file, 'utf8');
  return checkPipelineText(text, file, options);
}
