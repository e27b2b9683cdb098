import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keywordOf } from '../../src/messaging/keywords.ts';
import { parseQuietHours, quietUntil } from '../../src/messaging/quiet-hours.ts';
import { messagingSettings } from '../../src/messaging/settings.ts';
import { canMove } from '../../src/messaging/states.ts';

const opts = { simulatedWellSky: false, timezone: 'America/Denver' };

describe('messaging settings', () => {
  it('the demo defaults to simulated; a real WellSky defaults to no channel, with the reason', () => {
    assert.equal(messagingSettings({}, { ...opts, simulatedWellSky: true }).channel, 'simulated');
    const none = messagingSettings({}, opts);
    assert.equal(none.channel, 'none');
    assert.match(none.noChannelReason ?? '', /SKYBRIDGE_MESSAGING/);
  });

  it('errors name the missing or wrong variable', () => {
    assert.throws(
      () => messagingSettings({ SKYBRIDGE_MESSAGING: 'twilio' }, opts),
      /TWILIO_ACCOUNT_SID is missing/,
    );
    assert.throws(
      () =>
        messagingSettings(
          {
            SKYBRIDGE_MESSAGING: 'twilio',
            TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
            TWILIO_AUTH_TOKEN: 'x'.repeat(32),
          },
          opts,
        ),
      /TWILIO_FROM/,
    );
    assert.throws(
      () => messagingSettings({ SKYBRIDGE_MESSAGING: 'webhook' }, opts),
      /SKYBRIDGE_MESSAGES_WEBHOOK_URL/,
    );
    assert.throws(
      () =>
        messagingSettings(
          {
            SKYBRIDGE_MESSAGING: 'webhook',
            SKYBRIDGE_MESSAGES_WEBHOOK_URL: 'https://x.example/sms',
            SKYBRIDGE_MESSAGES_WEBHOOK_SECRET: 'plain',
          },
          opts,
        ),
      /SKYBRIDGE_MESSAGES_WEBHOOK_SECRET must be whsec_/,
    );
    assert.throws(
      () => messagingSettings({ SKYBRIDGE_MESSAGING: 'pigeon' }, opts),
      /SKYBRIDGE_MESSAGING must be/,
    );
    assert.throws(
      () => messagingSettings({ SKYBRIDGE_QUIET_HOURS: '9pm-7am' }, opts),
      /SKYBRIDGE_QUIET_HOURS must be/,
    );
  });

  it('a complete Twilio configuration is accepted, trailing slashes dropped', () => {
    const s = messagingSettings(
      {
        SKYBRIDGE_MESSAGING: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'x'.repeat(32),
        TWILIO_FROM: '+17205550100',
        SKYBRIDGE_PUBLIC_URL: 'https://skybridge.example.com/',
      },
      opts,
    );
    assert.equal(s.twilio?.publicUrl, 'https://skybridge.example.com');
    assert.equal(s.twilio?.apiBaseUrl, undefined, 'production talks to Twilio itself');
  });
});

describe('quiet hours, keywords and states', () => {
  const hours = parseQuietHours('21:00-07:00');
  it('holds until the end of the window, across midnight, in agency time', () => {
    assert.equal(
      quietUntil(new Date('2026-03-03T04:00:00Z'), hours, 'America/Denver')?.toISOString(),
      '2026-03-03T14:00:00.000Z',
    );
    assert.equal(
      quietUntil(new Date('2026-03-03T12:00:00Z'), hours, 'America/Denver')?.toISOString(),
      '2026-03-03T14:00:00.000Z',
    );
    assert.equal(quietUntil(new Date('2026-03-03T15:00:00Z'), hours, 'America/Denver'), null);
    assert.equal(parseQuietHours('off'), null);
    const day = parseQuietHours('12:00-13:00');
    assert.equal(
      quietUntil(new Date('2026-03-03T19:30:00Z'), day, 'America/Denver')?.toISOString(),
      '2026-03-03T20:00:00.000Z',
    );
  });

  it('recognises opt-out, opt-in and help words, in English and Spanish, and nothing else', () => {
    for (const w of [
      'STOP',
      'stop',
      ' Stop! ',
      'UNSUBSCRIBE',
      'cancel',
      'End',
      'QUIT',
      'STOPALL',
      'alto',
      'Parar',
    ]) {
      assert.equal(keywordOf(w)?.keyword, 'opt-out', w);
    }
    assert.equal(keywordOf('start')?.keyword, 'opt-in');
    assert.equal(keywordOf('UNSTOP')?.keyword, 'opt-in');
    assert.equal(keywordOf('help')?.keyword, 'help');
    for (const w of ['yes', 'stop by later', 'no', 'YES please']) assert.equal(keywordOf(w), null, w);
  });

  it('a message never moves backwards', () => {
    assert.equal(canMove('queued', 'sent'), true);
    assert.equal(canMove('sent', 'delivered'), true);
    assert.equal(canMove('delivered', 'sent'), false);
    assert.equal(canMove('delivered', 'failed'), false);
    assert.equal(canMove('failed', 'delivered'), false);
    assert.equal(canMove('sent', 'queued'), false);
  });
});
