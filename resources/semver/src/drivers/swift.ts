// The `swift` driver: the version is the body of one object in an OpenStack Swift container, as in
// the reference. Swift has no conditional overwrite (it ignores If-Match on PUT), so only the
// object's creation is conditional (If-None-Match: *); a bump over an existing object is
// read-then-write, as in the reference.
import { RemoteError } from '@hangar/resource-sdk';
import type { Source } from '../source.js';
import { formatVersion, tryParseVersion, type Version } from '../version.js';
import { WriteConflict, bumpConditionally } from './conditional-write.js';
import { requireField } from './git-session.js';
import { call, openSwiftSession, type SwiftSession } from './openstack-auth.js';
import type { DriverContext, VersionStore } from './types.js';

export class SwiftStore implements VersionStore {
  private constructor(
    private readonly session: SwiftSession,
    private readonly container: string,
    private readonly item: string,
    private readonly context: DriverContext,
  ) {}

  static async open(source: Source, context: DriverContext): Promise<SwiftStore> {
    const options = source.openstack ?? {};
    // The reference's order of checks.
    const container = requireField(options.container, 'openstack.container', 'swift');
    const region = requireField(options.region, 'openstack.region', 'swift');
    const item = requireField(options.item_name, 'openstack.item_name', 'swift');
    const session = await openSwiftSession(options, region, context.signal, context.log);
    const store = new SwiftStore(session, container, item, context);
    // As the reference: a missing or unreadable container fails every check and put.
    await store.request('HEAD', store.containerUrl, [200, 204], `cannot read swift container '${container}'`);
    return store;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return Promise.resolve();
  }

  private get where(): string {
    return `swift object ${this.container}/${this.item}`;
  }

  private get containerUrl(): string {
    return `${this.session.storageUrl}/${encodeURIComponent(this.container)}`;
  }

  private get objectUrl(): string {
    return `${this.containerUrl}/${encodeURIComponent(this.item)}`;
  }

  private async request(
    method: string,
    url: string,
    ok: readonly number[],
    failure: string,
    init: RequestInit = {},
  ): Promise<Response> {
    try {
      return await call(
        url,
        {
          ...init,
          method,
          headers: { ...init.headers, 'X-Auth-Token': this.session.token },
          signal: this.context.signal,
        },
        ok,
      );
    } catch (error) {
      throw new RemoteError(`${failure}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The body's first word ('' when empty); undefined when the object does not exist. */
  private async read(): Promise<string | undefined> {
    const answer = await this.request('GET', this.objectUrl, [200, 404], `cannot get ${this.where}`);
    const body = await answer.text();
    return answer.status === 404 ? undefined : (body.trim().split(/\s+/)[0] ?? '');
  }

  private current(text: string | undefined): Version {
    if (!text) return this.context.initial;
    const parsed = tryParseVersion(text);
    if (!parsed) throw new RemoteError(`${this.where} holds '${text}', which is not a semantic version`);
    return parsed;
  }

  /** Stores `version`; with `onlyIfAbsent`, a WriteConflict when someone created the object meanwhile. */
  private async write(version: Version, onlyIfAbsent: boolean): Promise<void> {
    const headers: Record<string, string> = {
      // As the reference (gophercloud): no Content-Type, so Swift picks one from the name.
      'Content-Disposition':
        /^[\x20-\x7e]*$/.test(this.item) && !this.item.includes('"')
          ? `attachment; filename="${this.item}"`
          : `attachment; filename*=UTF-8''${encodeURIComponent(this.item)}`,
      ...(onlyIfAbsent ? { 'If-None-Match': '*' } : {}),
    };
    const answer = await this.request('PUT', this.objectUrl, [201, 412], `cannot put ${this.where}`, {
      headers,
      body: Buffer.from(formatVersion(version)),
    });
    await answer.body?.cancel();
    if (answer.status === 412) throw new WriteConflict(`${this.where} was created while bumping`);
  }

  /** The stored version whatever the cursor (the reference); the initial one when there is none (its v1.x). */
  async check(): Promise<Version[]> {
    return [this.current(await this.read())];
  }

  async set(version: Version): Promise<void> {
    await this.write(version, false);
    this.context.log.info(`stored ${formatVersion(version)} in ${this.where}`);
  }

  /** The revision is whether the object existed: only its creation can be made conditional. */
  bump(next: (current: Version) => Version): Promise<Version> {
    const read = async () => {
      const text = await this.read();
      return { current: this.current(text), revision: text !== undefined };
    };
    const writeIf = (version: Version, existed: boolean) => this.write(version, !existed);
    return bumpConditionally({ where: this.where, read, writeIf }, this.context, next);
  }
}
