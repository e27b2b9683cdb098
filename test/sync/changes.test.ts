import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Mirror } from '../../src/mirror/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import {
  createWebhookHandler,
  ensureSubscriptions,
  MIRROR_CRITERIA,
  type Sync,
  type WebhookHandler,
} from '../../src/sync/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { clock, pinnedSimulator, syncFor } from './helpers.ts';

const SECRET = 'test-secret-0123456789abcdef';

/** The receiver on a real local HTTP server, as the gateway service will host it. */
async function serve(handler: WebhookHandler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = handler({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/webhooks/wellsky` };
}

for (const factory of engines) {
  describe(`changes reach the mirror on ${factory.name}`, () => {
    let engine: TestEngine;
    let store: Store;
    let sim: RunningSimulator;
    let sync: Sync;
    let client: ReturnType<typeof syncFor>['client'];
    let mirror: Mirror;
    let handler: WebhookHandler;
    let server: Server;
    let url: string;

    before(async () => {
      sim = await pinnedSimulator({ clients: 40, caregivers: 20, seed: 3, profile: 'full' });
      engine = await factory.create();
      store = await engine.open();
      ({ sync, client } = syncFor(sim, store));
      const first = await sync.run();
      assert.equal(first.status, 'ok', first.errors.join('\n'));
      mirror = await Mirror.open({ store, timezone: sim.timezone, now: clock });
      handler = createWebhookHandler({
        secret: SECRET,
        refresh: (refs) => sync.refresh(refs),
        onApplied: () => mirror.reload(),
      });
      ({ server, url } = await serve(handler));
    });
    after(async () => {
      await sim?.close();
      server?.close();
      await store?.close();
      await engine?.dispose();
    });

    it('subscriptions ensure creates what the mirror needs once, with the secret header', async () => {
      const first = await ensureSubscriptions({ client, endpoint: url, secret: SECRET });
      assert.equal(first.created.length, MIRROR_CRITERIA.length);
      const again = await ensureSubscriptions({ client, endpoint: url, secret: SECRET });
      assert.equal(again.created.length, 0);
      assert.equal(again.present.length, MIRROR_CRITERIA.length);
      const subs = [];
      for await (const s of client.subscriptions.list()) subs.push(s);
      assert.ok(subs.every((s) => s.channel?.header?.includes(`Authorization: Bearer ${SECRET}`)));
    });

    it('a phone change made in WellSky reaches identify through the webhook', async () => {
      const patient = sim.control.data.patients().find((p) => p.active)!;
      const newPhone = '7195550199';
      assert.equal(mirror.identify(newPhone).matches.length, 0);
      sim.control.updatePatient(patient.id as string, {
        telecom: [{ system: 'phone', value: newPhone, use: 'mobile' }],
      });
      await sim.control.flushWebhooks();
      await handler.idle();
      const found = mirror.identify('(719) 555-0199').matches;
      assert.deepEqual(
        found.map((m) => [m.kind, m.id]),
        [
          [
            patient.meta?.tag?.some((t) => t.code === 'isClient' && t.display === 'true')
              ? 'client'
              : 'prospect',
            String(patient.id),
          ],
        ],
      );
      const deliveries = sim.control.webhooks().filter((d) => d.criteria === 'patient.telecom.changed');
      assert.ok(deliveries.length >= 1 && deliveries.every((d) => d.status === 200));
      const runs = await store.db
        .selectFrom('sync_runs')
        .select(['kind', 'status'])
        .where('kind', '=', 'webhook')
        .execute();
      assert.ok(runs.length >= 1 && runs.every((r) => r.status === 'ok'));
    });

    it('a deactivated caregiver is reflected through the webhook', async () => {
      const caregiver = sim.control.data
        .practitioners()
        .find((p) => p.active && p.meta?.tag?.some((t) => t.code === 'isHired' && t.display === 'true'))!;
      sim.control.deactivatePractitioner(caregiver.id as string, 'Terminated – Quit');
      await sim.control.flushWebhooks();
      await handler.idle();
      const row = await store.db
        .selectFrom('caregivers')
        .select(['active'])
        .where('id', '=', String(caregiver.id))
        .executeTakeFirstOrThrow();
      assert.equal(row.active, false);
      assert.equal(mirror.person('caregiver', String(caregiver.id))?.active, false);
    });

    it('the receiver refuses a wrong secret and a malformed body, and coalesces duplicates', async () => {
      const post = (headers: Record<string, string>, body: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      assert.equal(
        (await post({ authorization: 'Bearer wrong' }, '{"resourceType":"Patient","id":1}')).status,
        401,
      );
      assert.equal((await post({}, '{"resourceType":"Patient","id":1}')).status, 401);
      assert.equal((await post({ authorization: `Bearer ${SECRET}` }, '{"id":"abc"}')).status, 400);
      assert.equal((await post({ authorization: `Bearer ${SECRET}` }, 'not json')).status, 400);
      const refs: string[][] = [];
      const counting = createWebhookHandler({
        secret: SECRET,
        refresh: async (batch) => {
          refs.push(batch.map((r) => `${r.resourceType}/${r.id}`));
          return undefined;
        },
      });
      const headers = { authorization: `Bearer ${SECRET}` };
      for (let i = 0; i < 5; i++)
        assert.equal(counting({ headers, body: { resourceType: 'Patient', id: 900001 } }).status, 200);
      await counting.idle();
      assert.deepEqual(refs.flat(), ['Patient/900001']);
      assert.throws(
        () => createWebhookHandler({ secret: '', refresh: async () => undefined }),
        /SKYBRIDGE_WEBHOOK_SECRET/,
      );
    });

    it('incremental sync picks up a name change, a removed shift and a reassigned one', async () => {
      // No webhooks this time: the incremental run alone must find the change.
      for await (const sub of client.subscriptions.list()) await client.subscriptions.delete(sub.id);
      const patients = sim.control.data.patients();
      const prospect = patients.find((p) =>
        p.meta?.tag?.some((t) => t.code === 'isClient' && t.display === 'false'),
      )!;
      sim.control.updatePatient(prospect.id as string, { name: [{ family: 'Núñez', given: ['José'] }] });
      const active = patients.find(
        (p) =>
          p.active &&
          sim.control.data.appointmentsFor({ clientId: p.id as string, from: '2026-02-13', to: '2026-02-20' })
            .length >= 2,
      )!;
      const [gone, moved] = sim.control.data.appointmentsFor({
        clientId: active.id as string,
        from: '2026-02-13',
        to: '2026-02-20',
      });
      const localDay = (iso: string) =>
        new Date(new Date(iso).getTime() - 7 * 3_600_000).toISOString().slice(0, 10);
      sim.control.removeOccurrence(gone!.id, localDay(gone!.start));
      sim.control.assignOccurrence(moved!.id, localDay(moved!.start), null);

      const run = await sync.run();
      assert.equal(run.kind, 'incremental');
      assert.equal(run.status, 'ok', run.errors.join('\n'));
      assert.ok(run.counts.clients.changed >= 1);
      assert.ok(run.counts.shifts.removed >= 1);
      assert.ok(run.counts.shifts.changed >= 1);
      await mirror.reload();
      assert.deepEqual(
        mirror.searchPeople('jose nunez').map((p) => p.id),
        [String(prospect.id)],
      );
      const removed = await store.db
        .selectFrom('shifts')
        .select(['removed_at'])
        .where('appointment_id', '=', String(gone!.id))
        .where('start_at', '=', new Date(gone!.start))
        .executeTakeFirstOrThrow();
      assert.ok(removed.removed_at, 'the removed occurrence is marked removed');
      const day = localDay(gone!.start);
      const shown = await mirror.shifts({ clientId: String(active.id), date: day });
      assert.ok(
        !shown.shifts.some(
          (s) => s.appointmentId === String(gone!.id) && s.startUtc === new Date(gone!.start).toISOString(),
        ),
      );
      const open = await mirror.shifts({ clientId: String(active.id), date: localDay(moved!.start) });
      const reassigned = open.shifts.find((s) => s.startUtc === new Date(moved!.start).toISOString());
      assert.equal(reassigned?.isOpen, true);
      assert.equal(reassigned?.caregiver, null);
    });

    it('a full sync marks people WellSky no longer returns as removed', async () => {
      const victim = sim.control.data.practitioners().at(-1)!;
      const res = await client.practitioners.delete(String(victim.id));
      void res;
      const run = await sync.run({ full: true });
      assert.equal(run.kind, 'full');
      assert.equal(run.counts.caregivers.removed, 1);
      await mirror.reload();
      assert.equal(mirror.person('caregiver', String(victim.id)), undefined);
    });
  });
}
