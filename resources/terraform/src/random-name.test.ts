// generate_random_name draws from a vocabulary as large as the reference's (#21 TF35).
import { expect, it } from 'vitest';
import { ADJECTIVES, NOUNS } from './name-words.js';
import { randomName } from './env-name.js';

/** The chance that `draws` uniform draws from `names` equally likely names repeat one. */
const repeatChance = (names: number, draws: number): number => {
  let allDistinct = 1;
  for (let i = 1; i < draws; i++) allDistinct *= 1 - i / names;
  return 1 - allDistinct;
};

it('has distinct lowercase words, enough that 20 names repeat less than once in 500 runs', () => {
  for (const list of [ADJECTIVES, NOUNS]) {
    expect(new Set(list).size).toBe(list.length);
    for (const word of list) expect(word).toMatch(/^[a-z]+$/);
  }
  // The reference's namer test draws 20 names and fails on a repeat; our former 24 x 24 words
  // repeated in 28 % of such runs.
  expect(repeatChance(ADJECTIVES.length * NOUNS.length, 20)).toBeLessThan(1 / 500);
  expect(repeatChance(24 * 24, 20)).toBeGreaterThan(0.25);
});

it('makes adjective-noun names from the whole of both lists', () => {
  const adjectives = new Set<string>();
  const nouns = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const [adjective = '', noun = '', ...rest] = randomName().split('-');
    expect(rest).toEqual([]);
    expect(ADJECTIVES).toContain(adjective);
    expect(NOUNS).toContain(noun);
    adjectives.add(adjective);
    nouns.add(noun);
  }
  // 3000 uniform draws leave out at most a handful of either list.
  expect(adjectives.size).toBeGreaterThan(ADJECTIVES.length * 0.9);
  expect(nouns.size).toBeGreaterThan(NOUNS.length * 0.9);
});
