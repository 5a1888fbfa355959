// Generated variants of valid pipelines, each judged by the real fly and by hangar: any
// disagreement fails and prints the YAML. HANGAR_MUTATION_SEED replays a run; the default seed
// is fixed so CI is reproducible.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareValidate, describeDisagreement } from './oracle.js';
import { generateMutations } from './mutations.js';

const seed = Number(process.env.HANGAR_MUTATION_SEED ?? 22);
const cases = generateMutations(seed, 2000);
const dir = mkdtempSync(join(tmpdir(), 'hangar-mutations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`mutations of valid pipelines (seed ${seed}) agree with fly validate-pipeline`, () => {
  const agreed: number[] = [];
  it.concurrent.each(cases.map((c, i) => [i, c.label, c] as const))('#%i %s', async (i, _label, c) => {
    const file = join(dir, `case-${i}.yml`);
    writeFileSync(file, c.yaml);
    // Every fifth case also runs under --strict: unknown keys and warnings become errors.
    const flags = i % 5 === 0 ? ['--strict'] : [];
    const comparison = await compareValidate(file, flags);
    expect(
      comparison.agree,
      `${c.rule}: ${c.label} ${flags.join(' ')}\n${describeDisagreement(comparison, c.yaml)}`,
    ).toBe(true);
    agreed.push(i);
  });
  it('counts the agreement', () => {
    console.log(
      `fly oracle, mutations: ${agreed.length}/${cases.length} generated cases agree (seed ${seed})`,
    );
    expect(agreed.length).toBe(cases.length);
  });
});
