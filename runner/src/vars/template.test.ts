import { describe, expect, it } from 'vitest';
import { collectVarRefs, parseVarRef } from './reference.js';
import { Redactor } from './redact.js';
import { buildStaticVars, staticLookup } from './static.js';
import { interpolate } from './template.js';

describe('var references', () => {
  it('splits source, path and fields, honouring quotes', () => {
    expect(parseVarRef('name')).toMatchObject({ source: undefined, path: 'name', fields: [] });
    expect(parseVarRef('vault:creds.user')).toMatchObject({
      source: 'vault',
      path: 'creds',
      fields: ['user'],
    });
    expect(parseVarRef('.:local')).toMatchObject({ source: '.', path: 'local', fields: [] });
    expect(parseVarRef('src:"my.secret"."field:1"')).toMatchObject({
      source: 'src',
      path: 'my.secret',
      fields: ['field:1'],
    });
    expect(parseVarRef('"a:b".c')).toMatchObject({ source: undefined, path: 'a:b', fields: ['c'] });
  });

  it('rejects empty segments', () => {
    expect(() => parseVarRef('a..b')).toThrow("invalid var 'a..b': empty field");
  });

  it('collects refs from values and keys', () => {
    const refs = collectVarRefs({ '((k))': ['x-((a.b))-y', { z: '((s:t))' }] });
    expect(refs.map((r) => r.raw)).toEqual(['k', 'a.b', 's:t']);
  });
});

describe('structural interpolation', () => {
  const vars = { n: 3, flag: true, obj: { user: 'u', nested: { deep: 'd' } }, list: [1, 2], s: 'str' };
  const lookup = staticLookup(vars);
  const run = (v: unknown) => interpolate(v, lookup, { allowUnresolved: true });

  it('keeps the type of a whole-value var', () => {
    expect(run({ a: '((n))', b: '((flag))', c: '((obj))', d: '((list))' }).value).toEqual({
      a: 3,
      b: true,
      c: vars.obj,
      d: [1, 2],
    });
  });

  it('embeds strings and numbers, reads fields, interpolates keys', () => {
    expect(run({ 'k-((s))': 'v((n))-((obj.user))-((obj.nested.deep))' }).value).toEqual({
      'k-str': 'v3-u-d',
    });
  });

  it('refuses to embed maps, lists and booleans', () => {
    expect(() => run('x((obj))')).toThrow(
      'cannot interpolate non-primitive value (map[string]interface {}) from var: obj',
    );
    expect(() => run('x((list))')).toThrow(
      'cannot interpolate non-primitive value ([]interface {}) from var: list',
    );
    expect(() => run('x((flag))')).toThrow('cannot interpolate non-primitive value (bool) from var: flag');
  });

  it('reports missing fields and fields of non-maps', () => {
    expect(() => run('((obj.nope))')).toThrow("missing field 'nope' in var: obj.nope");
    expect(() => run('((s.x))')).toThrow("cannot access field 'x' of non-map value ('string') from var: s.x");
  });

  it('leaves unresolved vars (and all source/local vars) for run time', () => {
    const out = run({ a: '((missing))', b: '((vault:x))', c: '((.:local))', d: 'p-((missing))' });
    expect(out.value).toEqual({ a: '((missing))', b: '((vault:x))', c: '((.:local))', d: 'p-((missing))' });
    expect(out.unresolved).toEqual(['missing', 'vault:x', '.:local']);
  });

  it('fails on undefined vars when asked to be strict', () => {
    expect(() => interpolate('((a)) ((b))', lookup, { allowUnresolved: false })).toThrow(
      'undefined vars: a, b',
    );
  });
});

describe('static vars', () => {
  it('applies -l files first, then -v/-y/-i in flag order', () => {
    const { values, instanceVars } = buildStaticVars([
      { kind: 'string', text: 'a=from-v' },
      { kind: 'file', name: 'one.yml', content: 'a: file1\nb: file1\nc: file1\n' },
      { kind: 'file', name: 'two.yml', content: 'b: file2\n' },
      { kind: 'yaml', text: 'd={x: [1, 2]}' },
      { kind: 'instance', text: 'branch=main' },
      { kind: 'string', text: 'e.f=nested' },
      { kind: 'yaml', text: 'a=42' },
    ]);
    expect(values).toEqual({
      a: 42,
      b: 'file2',
      c: 'file1',
      d: { x: [1, 2] },
      branch: 'main',
      e: { f: 'nested' },
    });
    expect(instanceVars).toEqual({ branch: 'main' });
  });

  it('keeps -v values as strings', () => {
    expect(buildStaticVars([{ kind: 'string', text: 'n=5' }]).values).toEqual({ n: '5' });
  });

  it('rejects malformed flags', () => {
    expect(() => buildStaticVars([{ kind: 'string', text: 'novalue' }])).toThrow("invalid -v 'novalue'");
    expect(() => buildStaticVars([{ kind: 'file', name: 'x.yml', content: '- a\n' }])).toThrow(
      'invalid vars file x.yml',
    );
  });
});

describe('redaction', () => {
  it('hides every line of every tracked credential value', () => {
    const r = new Redactor();
    r.track('s3cr3t');
    r.track({ key: '-----BEGIN KEY-----\nabc123\n-----END KEY-----', n: 12345 });
    r.track('x');
    expect(r.redact('pw=s3cr3t key=abc123 id=12345 x')).toBe(
      'pw=((redacted)) key=((redacted)) id=((redacted)) x',
    );
    expect(r.secrets).toContain('-----BEGIN KEY-----');
  });
});
