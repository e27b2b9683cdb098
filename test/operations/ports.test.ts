import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConnectClient } from '../../src/connect/client.ts';
import { Mirror } from '../../src/mirror/mirror.ts';
import { MirrorSchedule } from '../../src/mirror/schedule.ts';
import { type CallOutRecorded, reportCallOut } from '../../src/operations/callout.ts';
import { rankCandidates } from '../../src/operations/candidates.ts';
import { checkEligibility } from '../../src/operations/eligibility.ts';
import type { OperationsPorts, ShiftFiller } from '../../src/operations/ports.ts';
import { OperationsRepository } from '../../src/operations/repository.ts';
import { documentationRuntime } from '../../src/runtime/documentation.ts';
import { capabilityStatus, documentationIntake, webhookNotifier } from '../../src/runtime/operations.ts';
import { wellskyScheduling } from '../../src/runtime/operations-wellsky.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { Sync } from '../../src/sync/engine.ts';
import { clock } from '../helpers/docs.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';

// Operations driven through their ports alone: the store, the simulator behind the WellSky adapter, the
// mirror's schedule, the documentation pipeline and a real staff webhook receiver. No SkybridgeApp.

const person = (given: string, phone: string) => ({
  resourceType: 'Practitioner' as const,
  active: true,
  name: [{ family: 'Ports', given: [given], text: `${given} Ports` }],
  gender: 'female',
  telecom: [{ system: 'phone', value: phone, use: 'mobile' }],
  communication: [{ coding: [{ code: 'en-us', display: 'English' }], preferred: true }],
  meta: {
    tag: [
      { code: 'isHired', display: 'true' },
      { code: 'status', display: '100' },
    ],
  },
});

interface Built {
  ports: OperationsPorts;
  sim: RunningSimulator;
  store: Store;
  notices: Record<string, unknown>[];
  fills: Parameters<ShiftFiller['startForCallOut']>[0][];
  clientId: string;
  caller: string;
  cover: string;
  busy: string;
  callerPhone: string;
  shift: string;
  /** A sync, then the mirror's reload: what the runtime does after each sync. */
  resync(): Promise<void>;
  close(): Promise<void>;
}

async function build(store: Store): Promise<Built> {
  const sim = await startSimulator({
    caregivers: 6,
    clients: 4,
    seed: 8,
    weeks: 2,
    profile: 'full',
    now: clock,
  });
  const c = sim.control;
  const clientId = String(
    c.createPatient({
      resourceType: 'Patient',
      active: true,
      name: [{ family: 'Ports', given: ['Client'], text: 'Client Ports' }],
      communication: [{ coding: [{ code: 'en-us', display: 'English' }], preferred: true }],
      meta: { tag: [{ code: 'isClient', display: 'true' }] },
    } as never).id,
  );
  const callerPhone = '7205559901';
  const caller = String(c.createPractitioner(person('Caller', callerPhone) as never).id);
  const cover = String(c.createPractitioner(person('Cover', '7205559902') as never).id);
  const busy = String(c.createPractitioner(person('Busy', '7205559903') as never).id);
  // Tomorrow 10:00–14:00 in Denver: a normal (not urgent) call-out.
  const shift = String(
    c.addOneOffShift({
      clientId,
      caregiverId: caller,
      start: '2026-02-13T17:00:00Z',
      end: '2026-02-13T21:00:00Z',
    }).id,
  );
  // Busy works elsewhere from 13:30 local, inside the 30 min travel buffer of the shift's 14:00 end.
  c.addOneOffShift({
    clientId: String(c.data.patients()[0]!.id),
    caregiverId: busy,
    start: '2026-02-13T20:30:00Z',
    end: '2026-02-13T23:00:00Z',
  });
  const notices: Record<string, unknown>[] = [];
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      notices.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const client = new ConnectClient({
    env: {},
    config: {
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      agencyId: sim.agencyId,
      timezone: sim.timezone,
    },
  });
  const sync = new Sync({ client, store, now: clock });
  await sync.run({ full: true });
  const mirror = await Mirror.open({ store, timezone: sim.timezone, now: clock });
  const docs = documentationRuntime(store, client, {}, { now: clock });
  const fills: Built['fills'] = [];
  const ports: OperationsPorts = {
    clock: { now: clock },
    schedule: new MirrorSchedule(mirror, store),
    wellsky: wellskyScheduling(client),
    documentation: documentationIntake(docs.service),
    notifier: webhookNotifier({
      SKYBRIDGE_STAFF_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/staff`,
    }),
    capabilities: capabilityStatus(docs.capabilities),
    repo: new OperationsRepository(store.db),
    filler: {
      async startForCallOut(request) {
        fills.push(request);
        return { id: 'fill-1', state: 'open' };
      },
    },
  };
  return {
    ports,
    sim,
    store,
    notices,
    fills,
    clientId,
    caller,
    cover,
    busy,
    callerPhone,
    shift,
    async resync() {
      await sync.run({ full: true });
      await mirror.reload();
    },
    async close() {
      await docs.worker?.stop();
      await new Promise((resolve) => receiver.close(resolve));
      await sim.close();
    },
  };
}

for (const factory of engines) {
  describe(`operations through their ports alone on ${factory.name}`, () => {
    let engine: TestEngine;
    let b: Built;
    before(async () => {
      engine = await factory.create();
      b = await build(await engine.open());
    });
    after(async () => {
      await b?.close();
      await b?.store.close();
      await engine?.dispose();
    });

    it('a call-out by phone opens the shift in WellSky, tells staff, documents it and starts a fill without the caller', async () => {
      const r = (await reportCallOut(b.ports, {
        caregiver: `(720) 555-${b.callerPhone.slice(6)}`,
        shiftId: b.shift,
        reason: 'flu',
      })) as CallOutRecorded;
      assert.equal(r.status, 'recorded');
      assert.equal(r.caregiverId, b.caller);
      assert.equal(r.urgency, 'normal');
      assert.equal(r.shiftOpen.state, 'opened', r.shiftOpen.detail);
      const occ = b.sim.control.data
        .appointmentsFor({ clientId: r.shift.client.id, from: '2026-02-13', to: '2026-02-13' })
        .find((a) => String(a.id) === b.shift);
      assert.equal(occ?.caregiver ?? null, null, 'open in the simulator');
      assert.equal(r.officeTask.state, 'delivered');
      assert.equal(r.notification.state, 'sent');
      assert.equal(b.notices.length, 1);
      assert.equal(b.notices[0]!.shiftId, b.shift);
      assert.equal('reason' in b.notices[0]!, false, 'the reason never reaches the webhook');
      assert.ok('candidates' in r.candidates);
      assert.ok(!r.candidates.candidates.some((c) => c.caregiverId === b.caller));
      assert.deepEqual(b.fills, [
        {
          appointmentId: b.shift,
          date: '2026-02-13',
          occurrenceStart: new Date('2026-02-13T17:00:00Z'),
          excludeCaregiverIds: [b.caller],
        },
      ]);
      assert.deepEqual(r.fill, { id: 'fill-1', state: 'open' });
    });

    it('the schedule gives a caregiver contact phone and finds a caregiver by phone', () => {
      assert.equal(b.ports.schedule.caregiverContact(b.caller), b.callerPhone);
      assert.equal(b.ports.schedule.caregiverByPhone(`+1 ${b.callerPhone}`), b.caller);
      assert.equal(b.ports.schedule.caregiverByPhone('3035550000'), null);
      assert.equal(b.ports.schedule.caregiverByPhone('not a phone'), null);
    });

    it('ranking leaves out every caregiver listed, and checkEligibility agrees with its exclusions', async () => {
      const o = {
        appointmentId: b.shift,
        start: new Date('2026-02-13T17:00:00Z'),
        end: new Date('2026-02-13T21:00:00Z'),
      };
      const r = await rankCandidates(
        b.ports,
        { shiftId: b.shift, date: '2026-02-13', limit: 200 },
        { excludeCaregiverIds: [b.cover] },
      );
      assert.deepEqual(r.leftOut, [b.caller, b.cover]);
      const shown = [...r.candidates.map((c) => c.caregiverId), ...r.excluded.map((e) => e.caregiverId)];
      assert.ok(!shown.includes(b.caller) && !shown.includes(b.cover), 'left out entirely');
      assert.equal(r.counts.considered, shown.length);
      const busy = r.excluded.find((e) => e.caregiverId === b.busy);
      assert.equal(busy?.reasons[0]?.code, 'overlapping-shift');

      const occurrence = { ...o, clientId: r.shift.clientId };
      for (const id of shown) {
        const verdict = await checkEligibility(b.ports, id, occurrence);
        const excluded = r.excluded.find((e) => e.caregiverId === id);
        assert.equal(verdict.eligible, !excluded, `caregiver ${id}`);
        if (!verdict.eligible) assert.deepEqual(verdict.reasons, excluded!.reasons);
      }
      assert.deepEqual(await checkEligibility(b.ports, b.cover, occurrence), { eligible: true });
      const gone = await checkEligibility(b.ports, '999999', occurrence);
      assert.equal(gone.eligible, false);
      assert.equal(!gone.eligible && gone.reasons[0]!.code, 'not-active');
    });

    it('ranking reads the mirror as of its last reload, and a sync brings a new shift in', async () => {
      const o = {
        appointmentId: b.shift,
        start: new Date('2026-02-13T17:00:00Z'),
        end: new Date('2026-02-13T21:00:00Z'),
        clientId: b.clientId,
      };
      assert.deepEqual(await checkEligibility(b.ports, b.cover, o), { eligible: true });
      b.sim.control.addOneOffShift({
        clientId: String(b.sim.control.data.patients()[0]!.id),
        caregiverId: b.cover,
        start: '2026-02-13T16:00:00Z',
        end: '2026-02-13T18:00:00Z',
      });
      assert.deepEqual(await checkEligibility(b.ports, b.cover, o), { eligible: true }, 'not synced yet');
      await b.resync();
      const after = await checkEligibility(b.ports, b.cover, o);
      assert.equal(after.eligible, false);
      assert.equal(!after.eligible && after.reasons[0]!.code, 'overlapping-shift');
    });
  });
}
