// Build events in Concourse's envelope ({event, version, data}), redacted, stored in order and
// handed to live listeners (the log renderer, `watch`).
import type { Redactor } from '../vars/redact.js';
import type { Store } from '../store/store.js';

export interface BuildEvent {
  event: string;
  version: string;
  data: Record<string, unknown>;
}

export interface Origin {
  id: string;
  source?: 'stdout' | 'stderr';
}

export type EventListener = (buildId: number, event: BuildEvent) => void;

/** Event versions as Concourse's API declares them (atc/event). */
const eventVersions: Record<string, string> = {
  status: '1.0',
  log: '5.1',
  initialize: '1.0',
  start: '1.0',
  finish: '1.0',
  'initialize-task': '4.0',
  'start-task': '5.0',
  'finish-task': '4.0',
  'initialize-get': '2.0',
  'start-get': '1.0',
  'finish-get': '5.1',
  'initialize-put': '2.0',
  'start-put': '1.0',
  'finish-put': '5.1',
  'initialize-check': '1.0',
  'set-pipeline-changed': '1.0',
  'across-substeps': '1.0',
  error: '4.1',
};

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class EventSink {
  #seq: number;

  constructor(
    readonly store: Store,
    readonly buildId: number,
    readonly redactor: Redactor,
    readonly listeners: readonly EventListener[],
  ) {
    this.#seq = store.nextEventSeq(buildId) - 1;
  }

  emit(event: string, data: Record<string, unknown>): void {
    const envelope: BuildEvent = {
      event,
      version: eventVersions[event] ?? '1.0',
      data: { time: nowSeconds(), ...data },
    };
    const redacted = this.#redact(envelope);
    this.store.appendEvent(this.buildId, ++this.#seq, redacted);
    for (const listener of this.listeners) listener(this.buildId, redacted);
  }

  log(origin: string, source: 'stdout' | 'stderr', payload: string): void {
    this.emit('log', { origin: { id: origin, source }, payload });
  }

  error(origin: string | undefined, message: string): void {
    this.emit('error', { message, ...(origin === undefined ? {} : { origin: { id: origin } }) });
  }

  #redact(event: BuildEvent): BuildEvent {
    if (this.redactor.secrets.length === 0) return event;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.redactor.redact(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      }
      return v;
    };
    return walk(event) as BuildEvent;
  }
}
