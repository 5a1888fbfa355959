// A minimal OpenPGP HKP keyserver on 127.0.0.1: the one lookup `gpg --recv-keys` makes through
// dirmngr (`GET /pks/lookup?op=get&search=0x<key id or fingerprint>`), answered with the public keys
// a test added. Real keyservers need a database (Hockeypuck: PostgreSQL) and no package of one is at
// hand, so this answers exactly what dirmngr asks: the armored key, or 404 ("No data" to gpg).
import { requireBinary } from '../bin.js';
import { runCommand } from '../process.js';
import { tempDir } from '../temp.js';
import { closeServer, listenLocal, sendText } from './http-server.js';

export interface HkpKeyserver {
  /** `hkp://127.0.0.1:<port>`, for `gpg --keyserver` (and the git resource's `gpg_keyserver`). */
  url: string;
  /** The `search` value of every lookup, in order. */
  lookups: string[];
  /** Serves an ASCII-armored public key; resolves with the fingerprints of its key and subkeys. */
  addKey(armored: string): Promise<string[]>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Fingerprints (primary and subkeys) of an armored key, read by gpg without touching a keyring. */
async function fingerprints(armored: string): Promise<string[]> {
  await using home = await tempDir('hangar-hkp-');
  const { stdout } = await runCommand(
    requireBinary('gpg'),
    ['--batch', '--with-colons', '--import-options', 'show-only', '--import'],
    { input: armored, env: { ...process.env, GNUPGHOME: home.path } },
  );
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('fpr:'))
    .map((line) => line.split(':')[9] ?? '')
    .filter(Boolean);
}

export async function startHkpKeyserver(): Promise<HkpKeyserver> {
  const keys: { fingerprints: string[]; armored: string }[] = [];
  const lookups: string[] = [];
  const { server, url } = await listenLocal((request, _body, response) => {
    const query = new URL(request.url ?? '/', 'http://keyserver').searchParams;
    if (!request.url?.startsWith('/pks/lookup') || query.get('op') !== 'get')
      return sendText(response, 501, 'only op=get is served here\n');
    const search = query.get('search') ?? '';
    lookups.push(search);
    // A key id is the fingerprint's last 8 or 16 hex digits; a v4 fingerprint is all 40.
    const wanted = search.replace(/^0x/i, '').toUpperCase();
    const found = /^[0-9A-F]{8,40}$/.test(wanted)
      ? keys.find((key) => key.fingerprints.some((fpr) => fpr.endsWith(wanted)))
      : undefined;
    if (!found) return sendText(response, 404, 'No keys found\n', { 'content-type': 'text/plain' });
    sendText(response, 200, found.armored, { 'content-type': 'application/pgp-keys' });
  });
  const stop = () => closeServer(server);
  return {
    url: url.replace(/^http:/, 'hkp:'),
    lookups,
    async addKey(armored) {
      const found = await fingerprints(armored);
      if (!found.length) throw new Error('addKey: gpg found no key in the armored text');
      keys.push({ fingerprints: found, armored });
      return found;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
