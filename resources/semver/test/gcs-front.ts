// Google's side of authentication for the gcs driver's tests, on 127.0.0.1 in front of a real
// fake-gcs-server (which accepts any credentials): an OAuth2 token endpoint that takes a JWT
// signed by a service-account key (RFC 7523) and issues an access token, and a gate that lets a
// storage request through only with an access token it issued or was told to accept.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import type { FakeGcsServer } from '@hangar/testkit';

const TOKEN_PATH = '/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const STORAGE_SCOPE = 'https://www.googleapis.com/auth/devstorage.full_control';

export interface GcsFront {
  /** http://127.0.0.1:port: use as `gcs_endpoint`. */
  readonly endpoint: string;
  /** The token endpoint, as a key's `token_uri`. */
  readonly tokenUri: string;
  /** A service-account key (JSON text) whose JWTs the token endpoint accepts. */
  readonly jsonKey: string;
  /** A key of the same shape signed with a key pair the token endpoint does not know. */
  readonly unknownJsonKey: string;
  /** Access tokens issued for `jsonKey` so far. */
  readonly issued: number;
  /** Makes `token` a valid access token, as one obtained elsewhere (`source.token`). */
  accept(token: string): void;
  stop(): Promise<void>;
}

const EMAIL = 'semver@hangar-test.iam.gserviceaccount.com';

interface KeyPair {
  publicKey: string;
  privateKey: string;
}

const newKeyPair = (): KeyPair =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

/** The JSON key file Google hands out for a service account, for `pair`'s private key. */
const serviceAccountKey = (pair: KeyPair, tokenUri: string): string =>
  JSON.stringify({
    type: 'service_account',
    project_id: 'hangar-test',
    private_key_id: randomBytes(8).toString('hex'),
    private_key: pair.privateKey,
    client_email: EMAIL,
    client_id: '1',
    token_uri: tokenUri,
  });

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const answer = (res: ServerResponse, status: number, body: object) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export async function startGcsFront(gcs: FakeGcsServer): Promise<GcsFront> {
  const valid = new Set<string>();
  let issued = 0;
  let tokenUri = '';
  const known = newKeyPair();
  const publicKey = createPublicKey(known.publicKey);

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams((await readBody(req)).toString());
    try {
      if (form.get('grant_type') !== JWT_BEARER) throw new Error('unsupported grant_type');
      const { payload } = await jwtVerify(form.get('assertion') ?? '', publicKey, {
        algorithms: ['RS256'],
        issuer: EMAIL,
        audience: tokenUri,
      });
      if (!String(payload['scope']).split(' ').includes(STORAGE_SCOPE)) throw new Error('no storage scope');
    } catch (error) {
      answer(res, 400, { error: 'invalid_grant', error_description: (error as Error).message });
      return;
    }
    const accessToken = `ya29.issued-${randomBytes(12).toString('hex')}`;
    valid.add(accessToken);
    issued++;
    answer(res, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !valid.has(bearer)) {
      req.resume();
      answer(res, 401, { error: { code: 401, message: 'Invalid Credentials' } });
      return;
    }
    const upstream = request(
      `${gcs.endpoint}${req.url ?? '/'}`,
      { method: req.method, headers: { ...req.headers, host: `127.0.0.1:${gcs.port}` } },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () =>
      answer(res, 502, { error: { code: 502, message: 'fake-gcs-server is gone' } }),
    );
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === TOKEN_PATH) void token(req, res);
    else forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tokenUri = `${endpoint}${TOKEN_PATH}`;
  return {
    endpoint,
    tokenUri,
    jsonKey: serviceAccountKey(known, tokenUri),
    unknownJsonKey: serviceAccountKey(newKeyPair(), tokenUri),
    get issued() {
      return issued;
    },
    accept: (accessToken) => valid.add(accessToken),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
