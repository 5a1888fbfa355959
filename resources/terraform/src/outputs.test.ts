import { expect, it } from 'vitest';
import { outputMetadata, rawOutputsFile, summariseApplyOutput, summariseShowJson } from './outputs.js';

const outputs = {
  url: { value: 'https://x.test/?a=<b>&c', sensitive: false },
  count: { value: 3, sensitive: false },
  token: { value: 'hidden', sensitive: true },
};

it("encodes metadata as the reference's json.Marshal does, quotes trimmed, sensitive values hidden", () => {
  expect(
    outputMetadata({
      ...outputs,
      lines: { value: 'a\n"b"', sensitive: false },
      map: { value: { k: ['v'] }, sensitive: false },
    }),
  ).toEqual([
    { name: 'count', value: '3' },
    { name: 'lines', value: 'a\\n\\"b\\' },
    { name: 'map', value: '{"k":["v"]}' },
    { name: 'token', value: '<sensitive>' },
    { name: 'url', value: 'https://x.test/?a=\\u003cb\\u003e\\u0026c' },
  ]);
});

it("writes the metadata file as Go's encoder does: sorted keys, no HTML escaping, a newline", () => {
  expect(rawOutputsFile(outputs)).toBe('{"count":3,"token":"hidden","url":"https://x.test/?a=<b>&c"}\n');
});

it('counts a plan: a replacement is one add and one destroy', () => {
  const plan = {
    resource_changes: [
      { change: { actions: ['create'] } },
      { change: { actions: ['update'] } },
      { change: { actions: ['delete', 'create'] } },
      { change: { actions: ['no-op'] } },
      { change: { actions: ['delete'] } },
    ],
  };
  expect(summariseShowJson(JSON.stringify(plan))).toEqual({ to_add: 2, to_change: 1, to_destroy: 2 });
});

it('reads the counts of apply and destroy', () => {
  expect(
    summariseApplyOutput('x\nApply complete! Resources: 1 imported, 2 added, 3 changed, 4 destroyed.\n'),
  ).toEqual({
    to_add: 2,
    to_change: 3,
    to_destroy: 4,
  });
  expect(summariseApplyOutput('Destroy complete! Resources: 5 destroyed.')).toEqual({
    to_add: 0,
    to_change: 0,
    to_destroy: 5,
  });
  expect(summariseApplyOutput('nothing')).toBeUndefined();
});
