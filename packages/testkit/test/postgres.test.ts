import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  assertLoopbackOnly,
  postgresBin,
  runCommand,
  startPostgres,
  type PostgresServer,
} from '../src/index.js';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

it('answers SQL on its URL, without a password, on loopback only', async () => {
  const { stdout } = await runCommand(join(postgresBin(), 'psql'), [postgres.url, '-Atc', 'select 40 + 2']);
  expect(stdout.trim()).toBe('42');
  await assertLoopbackOnly(postgres.port);
});
