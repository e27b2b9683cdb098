import assert from 'node:assert/strict';
import { it } from 'node:test';
import { collectGarbage } from '../../src/runtime/memory.ts';

// The service collects once after its first sync (src/runtime/app.ts): it must work in a process started
// without --expose-gc, as `npm start`, the bin and the tests start it.

it('collectGarbage frees what nothing references, in a process started without --expose-gc', async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  let garbage: object | undefined = { rows: Array.from({ length: 1_000 }, (_, i) => ({ i })) };
  const ref = new WeakRef(garbage);
  garbage = undefined;
  // A WeakRef's target is kept until the job that created or read it ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  assert.equal(ref.deref(), undefined);
});
