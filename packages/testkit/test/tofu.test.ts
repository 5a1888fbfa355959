import { describe, expect, it } from 'vitest';
import { runCommand, tofuPath } from '../src/index.js';

describe('OpenTofu', () => {
  it('runs `tofu version`', async () => {
    const { stdout } = await runCommand(tofuPath(), ['version'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
    });
    expect(stdout).toMatch(/^OpenTofu v\d+\.\d+\.\d+/);
  });
});
