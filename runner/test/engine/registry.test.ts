// Which command runs a resource type on the host, and the errors when none can.
import { describe, expect, it } from 'vitest';
import { ResourceTypeRegistry } from '../../src/runtime/registry.js';

describe('resource type registry', () => {
  const registry = new ResourceTypeRegistry('/nonexistent-workspace');

  it('names the missing bundle of a type this repository ships', () => {
    expect(() => registry.command('semver')).toThrow(
      /resource type 'semver' is not built: missing bundle .*resources\/semver\/dist\/resource\.js/,
    );
  });

  it('sends custom resource types (images) to the oci runtime', () => {
    registry.setCustomTypes(['slack-notification']);
    expect(() => registry.command('slack-notification')).toThrow(/use the oci runtime/);
  });

  it('runs explicitly registered commands with node', () => {
    registry.register('file', ['node', 'file.mjs']);
    expect(registry.command('file')).toEqual(['node', 'file.mjs']);
  });
});
