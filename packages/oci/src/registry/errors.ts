// One-line registry failures that never carry credentials.
import { RemoteError } from '@hangar/resource-sdk';

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

/** Reads the distribution API's `{errors:[{code,message}]}` body into one line. */
export async function registryError(
  registry: string,
  what: string,
  response: Response,
): Promise<RegistryError> {
  const text = await response.text().catch(() => '');
  let code: string | undefined;
  let detail = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = body.errors?.[0];
    if (first) {
      code = first.code;
      detail = [first.code, first.message].filter(Boolean).join(': ');
    }
  } catch {
    // not JSON: keep the first line of the text
  }
  const suffix = detail ? ` ${detail}` : '';
  return new RegistryError(
    `registry ${registry}: ${what} failed: HTTP ${response.status}${suffix}`,
    response.status,
    code,
  );
}
