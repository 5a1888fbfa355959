// fly's sign-in on Concourse's paths, and who is asking: the password grant fly runs for
// `fly login -u -p` (POST /sky/issuer/token), the browser flow for `fly login` without -u (GET
// /login?fly_port=N: a sign-in form that hands the new token to fly's callback port), `fly logout`
// (GET /sky/logout), and /api/v1/{info,user,teams,workers}.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { get, type Route } from './api.js';
import { cookie, passwordUser, tokenCookie, tokenUser, type AuthConfig } from './auth.js';
import { readForm } from './body.js';
import { team } from './json.js';
import { formPageHeaders, securityHeaders, send } from './respond.js';

/**
 * The version of the fly that scripts/bootstrap builds (Concourse's source without release
 * ldflags). fly skips its version check for a dev fly, and for a target at 0.0.0-dev it signs in
 * with the password grant / browser flow rather than Concourse 3's legacy auth.
 */
export const concourseVersion = '0.0.0-dev';
/** Concourse's worker API version at that commit (fly lists older workers as outdated). */
export const workerVersion = '3.0';

/** The one worker: this machine running builds on hangar's runtime. */
export interface WorkerInfo {
  name: string;
  /** `host` or `oci`. */
  runtime: string;
  resourceTypes: string[];
  startedAt: number;
}

/** What the routes need from the server beyond the hub. */
export interface WebContext {
  auth: AuthConfig;
  worker: WorkerInfo;
}

const localUserId = (name: string): string => (name === tokenUser ? name : `local:${name}`);

export function userInfoJson(user: string): Record<string, unknown> {
  return {
    sub: localUserId(user),
    name: user,
    user_id: user,
    user_name: user,
    email: '',
    is_admin: true,
    is_system: false,
    teams: { [team]: ['owner'] },
    connector: user === tokenUser ? 'token' : 'local',
    display_user_id: user,
  };
}

export function identityRoutes(): Route[] {
  return [
    get('info', '/api/v1/info', () => ({
      version: concourseVersion,
      worker_version: workerVersion,
      feature_flags: {},
      cluster_name: 'hangar',
    })),
    // `actions` tells the UI whether to show its buttons; anonymous reads get no user
    get('user', '/api/v1/user', ({ user }) =>
      user === undefined ? { user_name: '', actions: false } : { ...userInfoJson(user), actions: true },
    ),
    get('teams', '/api/v1/teams', ({ web }) => [
      {
        id: 1,
        name: team,
        auth: { owner: { users: web.auth.users.names().map(localUserId), groups: [] } },
      },
    ]),
    get('workers', '/api/v1/workers', ({ hub, web }) => [
      {
        addr: `${web.worker.runtime} runtime`,
        baggageclaim_url: '',
        active_containers: hub.store.builds({ status: 'started' }).length,
        active_volumes: 0,
        active_tasks: 0,
        resource_types: web.worker.resourceTypes.map((type) => ({ type, image: '', version: '' })),
        platform: 'linux',
        tags: [],
        team: '',
        name: web.worker.name,
        version: workerVersion,
        start_time: Math.floor(web.worker.startedAt / 1000),
        ephemeral: false,
        state: 'running',
      },
    ]),
  ];
}

const signInCookie = (token: string): string =>
  `${tokenCookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json', {
    ...securityHeaders,
    'cache-control': 'no-store',
  });
}

/** A port fly listens on for the token; anything else would make /login an open redirect. */
function flyPort(text: string | null): number | undefined {
  if (text === null || !/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port > 0 && port < 65536 ? port : undefined;
}

const page = (title: string, body: string): string =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title} - hangar</title></head>\n<body>\n<h1>${title}</h1>\n${body}\n</body></html>\n`;

function signInPage(port: number | undefined, failed: boolean): string {
  const portField = port === undefined ? '' : `<input type="hidden" name="fly_port" value="${port}">\n`;
  return page(
    'sign in',
    `${failed ? '<p role="alert">invalid username or password</p>\n' : ''}<form method="post" action="/login">
${portField}<p><label>username <input name="username" autocomplete="username" required></label></p>
<p><label>password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">sign in</button></p>
</form>`,
  );
}

/** OAuth2 password grant, as Dex answers fly (client `fly`; its secret is public in fly's source). */
async function passwordGrant(auth: AuthConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  if (form.get('grant_type') !== 'password') return json(res, 400, { error: 'unsupported_grant_type' });
  const user = passwordUser(form.get('username') ?? '', form.get('password') ?? '', auth);
  if (user === undefined)
    return json(res, 401, { error: 'access_denied', error_description: 'Invalid username or password' });
  const { token, expiresInSeconds } = auth.tokens.issue(user);
  json(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresInSeconds });
}

async function signInForm(auth: AuthConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`)
    return send(res, 403, 'cross-site request refused\n');
  const form = await readForm(req);
  const port = flyPort(form.get('fly_port'));
  const user = passwordUser(form.get('username') ?? '', form.get('password') ?? '', auth);
  if (user === undefined)
    return send(res, 401, signInPage(port, true), 'text/html; charset=utf-8', formPageHeaders);
  const { token } = auth.tokens.issue(user);
  // fly's callback takes `token=<type> <value>` and sends the browser on to /fly_success
  const location =
    port === undefined ? '/' : `http://127.0.0.1:${port}/?token=${encodeURIComponent(`bearer ${token}`)}`;
  res.writeHead(303, { location, 'set-cookie': signInCookie(token), ...securityHeaders });
  res.end();
}

/** `fly logout` sends its token as the cookie skymarshal_auth="<type> <value>". */
function logout(auth: AuthConfig, req: IncomingMessage, res: ServerResponse): void {
  // the configured token is not an issued one: revoking it changes nothing
  for (const value of [cookie(req, 'skymarshal_auth')?.replace(/^"|"$/g, ''), cookie(req, tokenCookie)])
    if (value !== undefined) auth.tokens.revoke(value.replace(/^bearer /i, ''));
  res.writeHead(200, {
    'set-cookie': `${tokenCookie}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
    ...securityHeaders,
  });
  res.end();
}

/** Answers the sign-in paths; false for any other path. They need no sign-in themselves. */
export async function handleSignIn(
  auth: AuthConfig,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  switch (`${method} ${url.pathname}`) {
    case 'POST /sky/issuer/token':
      await passwordGrant(auth, req, res);
      return true;
    case 'GET /sky/logout':
      logout(auth, req, res);
      return true;
    case 'GET /login': {
      const body = signInPage(flyPort(url.searchParams.get('fly_port')), false);
      send(res, 200, body, 'text/html; charset=utf-8', formPageHeaders);
      return true;
    }
    case 'POST /login':
      await signInForm(auth, req, res);
      return true;
    case 'GET /fly_success':
      send(
        res,
        200,
        page(
          'signed in',
          '<p>you have successfully logged in! return to fly; this window can be closed.</p>',
        ),
        'text/html; charset=utf-8',
      );
      return true;
    default:
      return false;
  }
}
