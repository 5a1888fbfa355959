// What `fly validate-pipeline` checks of a var source's config: each credential manager's
// NewInstance and Validate (atc/creds/*), for the settings a pipeline can hold. Messages are
// Concourse's; null means the config passes.
import { isMap } from './decode.js';

export type ManagerCheck = { stage: 'create' | 'validate'; message: string } | undefined;

/** Go's `%T` of a decoded JSON/YAML value. */
function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Go's url.Parse, reduced to the scheme and host a manager looks at. */
function urlParts(url: string): { scheme: string; host: string } {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase() ?? '';
  const rest = scheme === '' ? url : url.slice(scheme.length + 1);
  const host = rest.startsWith('//')
    ? (/^\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(rest)?.[1] ?? '')
    : '';
  return { scheme, host };
}

function awsKeys(config: Record<string, unknown>): ManagerCheck {
  const id = text(config.access_key);
  const secret = text(config.secret_key);
  if (id === '' && secret === '' && text(config.session_token) === '') return undefined;
  if (id === '') return { stage: 'validate', message: 'must provide aws access key id' };
  if (secret === '') return { stage: 'validate', message: 'must provide aws secret access key' };
  return undefined;
}

export function checkCredentialManager(type: string, config: unknown): ManagerCheck {
  switch (type) {
    case 'dummy': {
      if (!isMap(config)) {
        return { stage: 'create', message: `invalid dummy credential manager config: ${goTypeName(config)}` };
      }
      if (!isMap(config.vars))
        return { stage: 'create', message: `invalid vars config: ${goTypeName(config.vars)}` };
      return undefined;
    }
    case 'vault': {
      if (!isMap(config)) return { stage: 'create', message: 'invalid vault config format' };
      const { scheme, host } = urlParts(text(config.url));
      if (scheme !== 'http' && scheme !== 'https') {
        return {
          stage: 'validate',
          message: `invalid scheme ${JSON.stringify(scheme)}: must be http or https`,
        };
      }
      if (host === '') return { stage: 'validate', message: 'URL must specify a host' };
      if ('path_prefix' in config && text(config.path_prefix) === '') {
        return { stage: 'validate', message: 'path prefix must be a non-empty string' };
      }
      if (text(config.client_token) || text(config.client_token_path) || text(config.auth_backend))
        return undefined;
      return { stage: 'validate', message: 'must configure client token or auth backend' };
    }
    case 'credhub':
      // Its factory ignores the pipeline's config, so the URL is always empty.
      return { stage: 'validate', message: 'invalid URL (must be http or https)' };
    case 'conjur':
      return { stage: 'validate', message: 'secret template should not be empty' };
    case 'ssm':
    case 'secretsmanager':
      return isMap(config) || config === null || config === undefined
        ? awsKeys(isMap(config) ? config : {})
        : undefined;
    case 'idtoken': {
      if (!isMap(config)) {
        return { stage: 'create', message: `invalid idtoken provider config: ${goTypeName(config)}` };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
