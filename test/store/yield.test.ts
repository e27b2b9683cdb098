import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pgliteEngine } from '../helpers/stores.ts';

test('embedded store: a loop of statements lets timers and requests run between them', async () => {
  const fixture = await pgliteEngine.create();
  after(() => fixture.dispose());
  const store = await fixture.open();
  after(() => store.close());

  // A timer due at once must not wait for a whole loop of statements (PGlite in the main thread answered
  // without any I/O, so the loop held the event loop until its last statement; it now runs in a thread).
  let done = 0;
  let firedAfter: number | undefined;
  setTimeout(() => {
    firedAfter = done;
  }, 0);
  for (; done < 50; done++) {
    await store.db.selectFrom('api_keys').select('id').where('name', '=', `k${done}`).execute();
  }
  assert.ok(firedAfter !== undefined && firedAfter < 50, `the timer ran after statement ${firedAfter}`);

  firedAfter = undefined;
  done = 0;
  setTimeout(() => {
    firedAfter = done;
  }, 0);
  await store.transaction(async (trx) => {
    for (; done < 50; done++) await trx.selectFrom('api_keys').select('id').execute();
  });
  assert.ok(firedAfter !== undefined && firedAfter < 50, 'inside a transaction too');
});
