import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulator } from '../helpers/sim.ts';

test('the simulator limits per client id: a second token of the same client shares its ceiling', async () => {
  // A ceiling of 1/s: the second request, whatever token it carries, comes within the same second.
  const sim = await simulator({ clients: 3, caregivers: 2, weeks: 1, rateLimit: 1 });
  const token = async () => {
    const response = await fetch(`${sim.url}/oauth/accesstoken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: sim.credentials.clientId,
        client_secret: sim.credentials.clientSecret,
      }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const [first, second] = [await token(), await token()];
  assert.notEqual(first, second);
  const read = (bearer: string) =>
    fetch(`${sim.url}/v1/practitioners/?_count=1`, { headers: { authorization: `Bearer ${bearer}` } });
  const statuses = (await Promise.all([read(first), read(second)])).map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 429]);

  const stats = sim.control.stats();
  assert.equal(stats.rateLimited, 1);
  // Both arrived at the gateway's limit and are counted in their second; tokens are not API requests.
  assert.equal(
    Object.values(stats.perSecond).reduce((a, b) => a + b, 0),
    2,
  );
  assert.ok(stats.busiestSecond >= 1);
});
