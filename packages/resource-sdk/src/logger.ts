import type { Redactor } from './redact.js';

/** Build-log output of a resource: always stderr, always redacted. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Printed only with HANGAR_DEBUG=1. */
  debug(message: string): void;
}

export type WriteLine = (line: string) => void;

export function createLogger(write: WriteLine, redactor: Redactor, debug: boolean): Logger {
  const emit = (prefix: string, message: string) => {
    for (const line of message.replace(/\n$/, '').split('\n')) write(redactor.redact(prefix + line) + '\n');
  };
  return {
    info: (message) => emit('', message),
    warn: (message) => emit('warning: ', message),
    debug: (message) => {
      if (debug) emit('debug: ', message);
    },
  };
}
