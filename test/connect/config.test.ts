import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConnectConfig, PRODUCTION_HOST } from '../../src/connect/config.ts';

test('defaults to the production host and Denver time', () => {
  const config = loadConnectConfig({}, { WELLSKY_CLIENT_ID: 'id', WELLSKY_CLIENT_SECRET: 'secret' });
  assert.equal(config.baseUrl, PRODUCTION_HOST);
  assert.equal(config.timezone, 'America/Denver');
  assert.equal(config.rateLimitPerSecond, 90);
});

test('missing credentials name the variables to set', () => {
  assert.throws(
    () => loadConnectConfig({}, {}),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /WELLSKY_CLIENT_ID is not set/);
      assert.match(error.message, /WELLSKY_CLIENT_SECRET is not set/);
      return true;
    },
  );
});

test('a base URL ending in /v1 or pointing at the legacy host is refused with the fix', () => {
  const env = { WELLSKY_CLIENT_ID: 'id', WELLSKY_CLIENT_SECRET: 'secret' };
  assert.throws(
    () => loadConnectConfig({ baseUrl: 'https://connect.clearcareonline.com/v1/' }, env),
    /drop the trailing \/v1/,
  );
  assert.throws(
    () => loadConnectConfig({ baseUrl: 'https://api.clearcareonline.com' }, env),
    /decommissioned/,
  );
  assert.throws(() => loadConnectConfig({}, { ...env, WELLSKY_TIMEZONE: 'Mountain' }), /IANA time zone/);
  assert.throws(() => loadConnectConfig({}, { ...env, WELLSKY_AGENCY_ID: 'abc' }), /numeric agency id/);
});

test('an unknown setting is an error, not silently ignored', () => {
  assert.throws(
    () => loadConnectConfig({ clientId: 'a', clientSecret: 'b', ...({ baseURL: 'x' } as object) }),
    /baseURL/,
  );
});
