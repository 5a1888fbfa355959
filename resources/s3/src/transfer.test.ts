import { describe, expect, it } from 'vitest';
import { DEFAULT_PART_SIZE, partSizeFor } from './transfer.js';

const MIB = 1024 * 1024;

describe('partSizeFor', () => {
  it('keeps the configured part size while the file fits in 10,000 parts', () => {
    expect(partSizeFor(1)).toBe(DEFAULT_PART_SIZE);
    expect(partSizeFor(10_000 * 5 * MIB, 5 * MIB)).toBe(5 * MIB);
  });

  it('raises it so a larger file still fits in 10,000 parts (the reference suite uploads 10,000 × 5 MiB)', () => {
    const size = 10_000 * 5 * MIB + 1;
    const part = partSizeFor(size, 5 * MIB);
    expect(part).toBeGreaterThan(5 * MIB);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(10_000);
  });
});
