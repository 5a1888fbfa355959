// A self-signed certificate for 127.0.0.1, made by openssl for one test run: the thing a TLS
// client must refuse by default and accept when told to trust or skip verification.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOOPBACK } from './ports.js';
import { runCommand } from './process.js';
import { tempDir } from './temp.js';

export interface SelfSignedCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate, also the CA a client would have to trust. */
  cert: string;
}

export async function selfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await tempDir('hangar-tls-');
  try {
    const [key, cert] = [join(dir.path, 'key.pem'), join(dir.path, 'cert.pem')];
    await runCommand('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      `/CN=${LOOPBACK}`,
      '-addext',
      `subjectAltName=IP:${LOOPBACK}`,
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await dir.remove();
  }
}
