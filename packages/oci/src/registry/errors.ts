// One-line registry failures that never carry credentials.
import { RemoteError } from '@hangar/resource-sdk';
import * as z from 'zod/mini';

export class RegistryError extends RemoteError {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The distribution API's error body. */
const errorsAnswer = z.object({
  errors: z.array(z.object({ code: z.optional(z.string()), message: z.optional(z.string()) })),
});

/** The first of the `errors` in an error answer, or undefined when the body is not the API's. */
function firstError(text: string): z.output<typeof errorsAnswer>['errors'][number] | undefined {
  try {
    const result = z.safeParse(errorsAnswer, JSON.parse(text));
    return result.success ? result.data.errors[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the distribution API's `{errors:[{code,message}]}` body into one line. */
export async function registryError(
  registry: string,
  what: string,
  response: Response,
): Promise<RegistryError> {
  const text = await response.text().catch(() => '');
  let code: string | undefined;
  let detail = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  // Not the distribution API's error body: keep the first line of the text.
  const first = firstError(text);
  if (first) {
    code = first.code;
    detail = [first.code, first.message].filter(Boolean).join(': ') || detail;
  }
  const suffix = detail ? ` ${detail}` : '';
  return new RegistryError(
    `registry ${registry}: ${what} failed: HTTP ${response.status}${suffix}`,
    response.status,
    code,
  );
}
