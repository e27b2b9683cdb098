import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { type FillScenario, fillScenario } from './fixture.ts';

// The mirror learns of a fill's assignment only at the next sync or webhook. Until then a caregiver who
// won one shift must not be offered, nor given, another shift overlapping it (found by the fill bench: one
// caregiver won two overlapping shifts).
for (const factory of engines) {
  describe(`a caregiver who won a shift is not given an overlapping one (${factory.name})`, {
    timeout: 600_000,
  }, () => {
    let engine: TestEngine;
    let s: FillScenario;
    /** Two pairs of overlapping open shifts: 10am-2pm and 11am-3pm Denver, on two days. */
    const pairs: { a: { id: string; date: string }; b: { id: string; date: string } }[] = [];
    before(async () => {
      engine = await factory.create();
      s = await fillScenario(await engine.open(), { count: 6, openDays: ['2026-02-13', '2026-02-16'] });
      for (const open of s.open) {
        const b = s.app.simulator!.control.addOneOffShift({
          clientId: s.clientId,
          caregiverId: null,
          start: `${open.date}T18:00:00Z`,
          end: `${open.date}T22:00:00Z`,
        });
        pairs.push({ a: open, b: { id: String(b.id), date: open.date } });
      }
      await s.app.runSync(undefined, true);
    });
    after(async () => {
      await s?.app.close();
      await s?.app.store.close();
      await engine?.dispose();
    });

    /** Advances past the last wave, so that everyone eligible has been offered the shift. */
    async function throughEveryWave() {
      for (let i = 0; i < 4; i++) {
        s.clock.advance(15);
        await s.app.fills.engine.advance();
      }
    }

    test('the winner of one shift is never offered the overlapping one', async () => {
      const { a, b } = pairs[0]!;
      const first = (await s.app.fills.service.start({ shiftId: a.id, date: a.date })).campaign;
      const winner = first.offers[0]!.caregiverId;
      const yes = await s.app.messaging.receive({ from: s.phoneOf(winner), text: 'YES' });
      assert.equal(yes.message.action, 'accepted');
      assert.equal((await s.app.fills.service.require(first.id)).state, 'filled');

      const second = (await s.app.fills.service.start({ shiftId: b.id, date: b.date })).campaign;
      await throughEveryWave();
      const offers = (await s.app.fills.service.require(second.id)).offers;
      assert.ok(offers.length > 0, 'others are offered the second shift');
      assert.ok(
        !offers.some((o) => o.caregiverId === winner),
        `caregiver ${winner} holds the overlapping shift: ${JSON.stringify(offers)}`,
      );
      // Its offers withdrawn, so that the next case starts with nobody waiting on an answer.
      await s.app.fills.service.cancel(second.id);
    });

    test('a YES to the overlapping shift after winning the first is refused, and that shift stays open', async () => {
      const { a, b } = pairs[1]!;
      const first = (await s.app.fills.service.start({ shiftId: a.id, date: a.date })).campaign;
      const second = (await s.app.fills.service.start({ shiftId: b.id, date: b.date })).campaign;
      await throughEveryWave();
      const inFirst = new Set((await s.app.fills.service.require(first.id)).offers.map((o) => o.caregiverId));
      const both = (await s.app.fills.service.require(second.id)).offers.find(
        (o) => inFirst.has(o.caregiverId) && o.state === 'sent',
      );
      assert.ok(both, 'someone was offered both shifts before either was filled');
      const phone = s.phoneOf(both.caregiverId);

      // Two offers waiting: "which one?", answered with the first listed.
      const yes = await s.app.messaging.receive({ from: phone, text: 'yes' });
      if (yes.message.action === 'which') await s.app.messaging.receive({ from: phone, text: '1' });
      const views = await Promise.all([first.id, second.id].map((id) => s.app.fills.service.require(id)));
      const won = views.find((v) => v.winnerCaregiverId === both.caregiverId);
      assert.ok(won, `caregiver ${both.caregiverId} won one of the two`);
      const other = views.find((v) => v !== won)!;
      const puts = s.puts();

      const again = await s.app.messaging.receive({ from: phone, text: 'YES' });
      assert.equal(again.message.action, 'not-eligible');
      const after = await s.app.fills.service.require(other.id);
      assert.equal(after.state, 'open', 'the overlapping shift is still to be filled');
      assert.equal(after.winnerCaregiverId, null);
      assert.equal(s.puts(), puts, 'nothing written to WellSky');
      const offer = after.offers.find((o) => o.caregiverId === both.caregiverId)!;
      assert.equal(offer.state, 'withdrawn');
    });
  });
}
