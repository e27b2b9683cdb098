import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { bundleOf } from '../../src/connect/wire/bundle.ts';

const Thing = z.object({ id: z.string() });

test('a bundle accepts wrapped and bare entries and either count field', () => {
  const schema = bundleOf(Thing);
  assert.deepEqual(schema.parse({ totalRecords: '2', entry: [{ resource: { id: 'a' } }, { id: 'b' }] }), {
    total: 2,
    resources: [{ id: 'a' }, { id: 'b' }],
  });
  assert.deepEqual(schema.parse({ total: 0, entry: null }), { total: 0, resources: [] });
  assert.deepEqual(schema.parse({}), { total: undefined, resources: [] });
  assert.equal(schema.safeParse({ totalRecords: -1 }).success, false);
  assert.equal(schema.safeParse({ entry: [{ resource: { id: 7 } }] }).success, false);
});

test('one bundle schema per resource schema, so zod compiles it once, not once per search page', () => {
  assert.equal(bundleOf(Thing), bundleOf(Thing));
  assert.notEqual(bundleOf(Thing), bundleOf(z.object({ id: z.number() })));
});
