import { describe, expect, it } from 'vitest';
import { atKey, parseYamlSource, SourceError } from './source.js';

describe('reading pipeline YAML', () => {
  it('rejects duplicate keys with the key and its position', () => {
    const text = 'jobs: []\nresources:\n- name: a\nresources: []\n';
    expect(() => parseYamlSource(text, 'p.yml')).toThrow('mapping key "resources" already defined');
    try {
      parseYamlSource(text, 'p.yml');
    } catch (err) {
      expect((err as SourceError).position).toEqual({ file: 'p.yml', line: 4, col: 1 });
    }
  });

  it('expands anchors, aliases and merge keys', () => {
    const text = 'base: &base {a: 1, b: 2}\nx:\n  <<: *base\n  b: 3\nz: *base\n';
    expect(parseYamlSource(text, 'p.yml').data).toEqual({
      base: { a: 1, b: 2 },
      x: { a: 1, b: 3 },
      z: { a: 1, b: 2 },
    });
  });

  it('refuses alias bombs and oversized files', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(
        `${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
    }
    expect(() => parseYamlSource(levels.join('\n'), 'bomb.yml')).toThrow(/alias bomb/);
    expect(() => parseYamlSource('a: 1\n', 'big.yml', { maxBytes: 2, maxAliasCount: 100 })).toThrow(
      'file is 5 bytes, larger than the limit of 2 bytes',
    );
  });

  it('reads scalars like go-yaml v2: y/yes/on are booleans, "." and 1:20 stay text', () => {
    const data = parseYamlSource(
      'a: yes\nb: off\nc: y\nd: .\ne: 1:20\nf: 2024-01-02\ng: 0x1f\n',
      'p.yml',
    ).data;
    expect(data).toEqual({ a: true, b: false, c: true, d: '.', e: '1:20', f: '2024-01-02', g: 31 });
  });

  it('locates values, keys, list items, and through merge keys', () => {
    const text = 'defaults: &d\n  type: git\nresources:\n- name: r\n  <<: *d\n  source: {uri: x}\n';
    const src = parseYamlSource(text, 'p.yml');
    expect(src.locate(['resources', 0, 'name'])).toEqual({ file: 'p.yml', line: 4, col: 9 });
    expect(src.locate(['resources', 0, 'name', atKey])).toEqual({ file: 'p.yml', line: 4, col: 3 });
    expect(src.locate(['resources', 0, 'source'])).toEqual({ file: 'p.yml', line: 6, col: 3 });
    expect(src.locate(['resources', 0, 'type'])).toEqual({ file: 'p.yml', line: 2, col: 9 });
    expect(src.locate(['resources', 0, 'missing', 3])).toEqual({ file: 'p.yml', line: 4, col: 3 });
  });
});
