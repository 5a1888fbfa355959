// GitHub's published REST description (@octokit/openapi, api.github.com.json, OpenAPI 3.0) as the
// referee of the fake GitHub: every request is matched to a documented operation, its JSON body is
// validated against the operation's request schema (unknown keys refused, as GitHub does), and
// every JSON answer the fake gives is validated against the schema documented for its status. The
// fake therefore cannot drift from the real API without its own tests failing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

export interface DescribedOperation {
  operationId: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/releases/{release_id}`. */
  template: string;
  method: string;
}

/** A request the description refuses, with GitHub's status and message for it. */
export interface RequestViolation {
  status: 404 | 422;
  message: string;
  errors?: { resource: string; field: string; code: string }[];
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

let loaded: GitHubDescription | undefined;

/**
 * Where github.com answers outside its own description, the description is widened to match, each
 * with the evidence: an upload cut off mid-way leaves an asset in state `starter`, which the
 * description's enum (`uploaded`, `open`) omits (concourse/github-release-resource#116).
 */
function widenToObservedBehaviour(document: Json): void {
  const schemas = (document['components'] as Json)['schemas'] as Record<string, Json>;
  const state = (schemas['release-asset']?.['properties'] as Record<string, Json>)['state'];
  if (state && Array.isArray(state['enum'])) state['enum'] = [...(state['enum'] as string[]), 'starter'];
}

export class GitHubDescription {
  readonly #document: Json;
  readonly #ajv: Ajv;
  /** Path templates as regexes, the most literal first, so `/releases/latest` beats `/releases/{id}`. */
  readonly #templates: { template: string; pattern: RegExp }[];
  readonly #validators = new Map<string, ValidateFunction>();

  private constructor(document: Json) {
    widenToObservedBehaviour(document);
    this.#document = document;
    // OpenAPI 3.0 schemas: `nullable` is understood; descriptive keywords (example, x-github) and
    // formats are not checked.
    this.#ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false, logger: false });
    const paths = Object.keys(document['paths'] as Json);
    this.#templates = paths
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        variables: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.variables - b.variables)
      .map(({ template, pattern }) => ({ template, pattern }));
  }

  /** The description, read once per process (13 MB of JSON, about 150 ms). */
  static load(): GitHubDescription {
    if (!loaded) {
      const require = createRequire(import.meta.url);
      const path = require.resolve('@octokit/openapi/generated/api.github.com.json');
      loaded = new GitHubDescription(JSON.parse(readFileSync(path, 'utf8')) as Json);
    }
    return loaded;
  }

  /** The documented operation serving `method path` (path as sent, `%2F` still encoded). */
  find(method: string, path: string): DescribedOperation | undefined {
    const verb = method.toLowerCase();
    for (const { template, pattern } of this.#templates) {
      if (!pattern.test(path)) continue;
      const operation = (this.#document['paths'] as Record<string, Json>)[template]?.[verb];
      if (isObject(operation))
        return { operationId: String(operation['operationId']), template, method: verb };
    }
    return undefined;
  }

  /** Why GitHub would refuse `body` for `operation`, or undefined when it is acceptable. */
  checkRequest(operation: DescribedOperation, body: unknown, resource: string): RequestViolation | undefined {
    const pointer = `${this.#operationPointer(operation)}/requestBody/content/application~1json/schema`;
    const schema = this.#at(pointer);
    if (!schema) return undefined;
    if (body === undefined) {
      const required = this.#at(`${this.#operationPointer(operation)}/requestBody`)?.['required'] === true;
      return required ? { status: 422, message: 'Invalid request.\n\nNo body was given.' } : undefined;
    }
    if (isObject(body) && isObject(schema['properties']) && schema['additionalProperties'] === undefined) {
      const unknown = Object.keys(body).find((key) => !(key in (schema['properties'] as Json)));
      if (unknown) return { status: 422, message: `"${unknown}" is not a permitted key.` };
    }
    const validate = this.#validator(pointer);
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? []).map((error) => ({
      resource,
      field:
        (error.params as { missingProperty?: string }).missingProperty ??
        error.instancePath.replace(/^\//, ''),
      code: error.keyword === 'required' ? 'missing_field' : 'invalid',
    }));
    const text = this.#ajv.errorsText(validate.errors, { dataVar: 'body' });
    return { status: 422, message: `Invalid request.\n\n${text}`, errors };
  }

  /**
   * What is wrong with `json` as `operation`'s answer with `status`, or undefined when it matches
   * the documented schema. Statuses documented without a JSON body, and errors the operation does
   * not list, are held to GitHub's `basic-error` shape.
   */
  checkResponse(operation: DescribedOperation, status: number, json: unknown): string | undefined {
    const responsePointer = `${this.#operationPointer(operation)}/responses/${status}`;
    let pointer: string | undefined;
    const documented = this.#follow(responsePointer);
    if (documented && isObject(this.#at(`${documented}/content/application~1json/schema`)))
      pointer = `${documented}/content/application~1json/schema`;
    else if (status >= 400) pointer = '/components/schemas/basic-error';
    else if (!documented) return `status ${status} is not documented for ${operation.operationId}`;
    else return `${operation.operationId} documents no JSON body for status ${status}`;
    const validate = this.#validator(pointer);
    if (validate(json)) return undefined;
    return this.#ajv.errorsText(validate.errors, { dataVar: `${operation.operationId} ${status}` });
  }

  #operationPointer(operation: DescribedOperation): string {
    return `/paths/${escapePointer(operation.template)}/${operation.method}`;
  }

  /** The value at a JSON pointer into the document. */
  #at(pointer: string): Json | undefined {
    let value: unknown = this.#document;
    for (const segment of pointer.split('/').slice(1)) {
      if (!isObject(value)) return undefined;
      value = value[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return isObject(value) ? value : undefined;
  }

  /** The pointer itself, or where its `$ref` leads (`#/components/responses/not_found`). */
  #follow(pointer: string): string | undefined {
    const value = this.#at(pointer);
    if (!value) return undefined;
    const ref = value['$ref'];
    return typeof ref === 'string' ? this.#follow(ref.slice(1)) : pointer;
  }

  /**
   * A validator for the schema at `pointer`, compiled with just the component schemas it reaches:
   * handing Ajv the whole 13 MB document costs seconds per process, this a few milliseconds.
   */
  #validator(pointer: string): ValidateFunction {
    let validate = this.#validators.get(pointer);
    if (!validate) {
      const schemas: Json = {};
      const visit = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(visit);
        if (!isObject(value)) return;
        const ref = value['$ref'];
        const name = typeof ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1] : undefined;
        if (name !== undefined && !(name in schemas)) {
          schemas[name] = this.#at(`/components/schemas/${name}`);
          visit(schemas[name]);
        }
        Object.values(value).forEach(visit);
      };
      const schema = this.#at(pointer);
      visit(schema);
      validate = this.#ajv.compile({ components: { schemas }, allOf: [schema] });
      this.#validators.set(pointer, validate);
    }
    return validate;
  }
}
