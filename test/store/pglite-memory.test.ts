import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { pgliteEngine } from '../helpers/stores.ts';

// PGlite's memory never shrinks: server-sized buffers would stay resident for the service's life.
test('the embedded database runs with buffers sized for one in-process connection, not a server', async () => {
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const store = await engine.open();
  after(() => store.close());
  const show = async (name: string) =>
    (await sql<Record<string, string>>`SELECT current_setting(${name}) AS value`.execute(store.db)).rows[0]!
      .value;
  assert.equal(await show('shared_buffers'), '16MB');
  assert.equal(await show('work_mem'), '2MB');
});
