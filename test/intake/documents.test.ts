import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DocumentIntake } from '../../src/intake/documents.ts';
import { IntakeRequestError } from '../../src/intake/errors.ts';
import { documentationRuntime } from '../../src/runtime/documentation.ts';
import { clientFor, simulator } from '../helpers/sim.ts';
import { engines } from '../helpers/stores.ts';
import { fastSleep } from './helpers.ts';

// A tiny but real PDF: what a scanned intake form looks like on the wire, base64 in JSON.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
).toString('base64');

for (const factory of engines) {
  describe(`documents through the documentation pipeline (${factory.name})`, async () => {
    const engine = await factory.create();
    after(() => engine.dispose());
    const store = await engine.open();
    after(() => store.close());
    // The default profile is feb-2026: WellSky as met in February 2026, with the broken upload.
    const sim = await simulator({ clients: 4, caregivers: 2, weeks: 1, seed: 21 });
    const client = clientFor(sim, { sleep: fastSleep, config: { rateLimitPerSecond: 1000 } });
    const docs = documentationRuntime(store, client, {}, { retryBaseMs: 20, retryMaxMs: 200, pollMs: 20 });
    const intake = new DocumentIntake({ store, repo: docs.repo, worker: docs.worker });
    const clientId = String(sim.control.data.patients()[0]!.id);
    const request = {
      clientId,
      title: 'Signed intake form',
      type: 'Intake',
      contentType: 'application/pdf',
      data: PDF,
    } as const;

    test('feb-2026: held with the vendor 500, never reported sent; on full it is delivered once on replay', async () => {
      const first = await intake.submit(request, { waitMs: 20_000 });
      assert.equal(first.created, true);
      assert.equal(first.item.kind, 'document');
      assert.equal(first.item.state, 'held', first.item.lastError ?? '');
      assert.equal(first.item.holdCode, 'capability');
      assert.match(first.item.reason!, /upload failed on its side \(HTTP 500/);
      assert.equal(first.item.wellskyId, null);
      assert.ok(sim.control.documents().some((d) => d.outcome === 'failed-500'));
      assert.equal(sim.control.documents().filter((d) => d.outcome === 'stored').length, 0);

      const again = await intake.submit(request, { waitMs: 20_000 });
      assert.equal(again.created, false, 'the same file for the same client is one document');
      assert.equal(again.item.id, first.item.id);

      sim.control.setProfile('full');
      const requeued = await docs.service.replayHeld(['capability']);
      assert.deepEqual(
        requeued.map((i) => i.id),
        [first.item.id],
      );
      await docs.worker!.runOnce({ ids: [first.item.id] });
      const delivered = (await docs.service.get(first.item.id))!;
      assert.equal(delivered.state, 'delivered', delivered.reason ?? delivered.lastError ?? '');
      assert.equal(delivered.route, 'document-reference');
      const stored = sim.control.documents().filter((d) => d.outcome === 'stored');
      assert.equal(stored.length, 1);
      assert.equal(String(stored[0]!.id), delivered.wellskyId);
      const body = stored[0]!.body as {
        content: { attachment: { title: string; data: string; contentType: string } };
        context: { related: { ref: string }[] };
      };
      assert.equal(body.content.attachment.data, PDF);
      assert.equal(body.content.attachment.contentType, 'application/pdf');
      assert.ok(body.content.attachment.title.includes(delivered.reference));
      assert.deepEqual(body.context.related, [{ ref: `Patient/${clientId}` }]);
    });

    test('a file over 10 MB, or not base64, is refused and nothing is stored', async () => {
      const before = (await docs.service.list({ kind: 'document' })).length;
      const big = Buffer.alloc(10 * 1024 * 1024 + 1, 65).toString('base64');
      await assert.rejects(
        intake.submit({ ...request, data: big, title: 'Too big' }),
        (error: unknown) => error instanceof IntakeRequestError && /at most 10 MB/.test(error.message),
      );
      await assert.rejects(intake.submit({ ...request, data: 'not base64!', title: 'Broken' }), /base64/);
      await assert.rejects(
        intake.submit({ ...request, prospectId: clientId }),
        /exactly one of clientId, prospectId or caregiverId/,
      );
      assert.equal((await docs.service.list({ kind: 'document' })).length, before);
      const rows = await store.db.selectFrom('intake_documents').select('filename').execute();
      assert.equal(rows.length, 1);
    });
  });
}
