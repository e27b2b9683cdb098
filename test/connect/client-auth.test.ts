import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectClient } from '../../src/connect/client.ts';
import { ConnectError } from '../../src/connect/errors.ts';
import { clientFor, simulator } from '../helpers/sim.ts';

describe('tokens', async () => {
  // The simulator's clock is moved by hand, so a token's age never depends on how fast the machine is.
  let skewMs = 0;
  const sim = await simulator({
    caregivers: 20,
    clients: 30,
    weeks: 3,
    rateLimit: 5000,
    now: () => new Date(Date.now() + skewMs),
  });

  test('1,000 concurrent calls share one token request', async () => {
    let tokenRequests = 0;
    // The 1,000 calls wait on the token together; the sockets under them are capped at 50 (real fetch
    // behind a gate), so a starved machine's listen backlog cannot turn the test into a network failure.
    let open = 0;
    const queue: (() => void)[] = [];
    const gated: typeof fetch = async (input, init) => {
      if (open >= 50) await new Promise<void>((resolve) => queue.push(resolve));
      open += 1;
      try {
        return await fetch(input, init);
      } finally {
        open -= 1;
        queue.shift()?.();
      }
    };
    const client = clientFor(sim, {
      config: { rateLimitPerSecond: 1000 },
      onTokenRequest: () => tokenRequests++,
      fetch: gated,
    });
    sim.control.resetStats();
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => client.patients.searchPage({}, 0, 1)),
    );
    assert.equal(results.length, 1000);
    assert.equal(tokenRequests, 1);
    assert.equal(sim.control.stats().tokenRequests, 1);
  });

  test('a revoked token is re-minted once and the call succeeds', async () => {
    let tokenRequests = 0;
    const client = clientFor(sim, { onTokenRequest: () => tokenRequests++ });
    await client.practitioners.searchPage({}, 0, 1);
    sim.control.revokeTokens();
    const page = await client.practitioners.searchPage({}, 0, 1);
    assert.equal(page.resources.length, 1);
    assert.equal(tokenRequests, 2);
  });

  test('a token that dies early (simulator expiry shorter than expires_in) is replaced transparently', async () => {
    let tokenRequests = 0;
    const client = clientFor(sim, { onTokenRequest: () => tokenRequests++ });
    sim.control.setFaults({ tokenLifetimeSeconds: 1 });
    try {
      await client.practitioners.searchPage({}, 0, 1);
      skewMs += 1_100;
      await client.practitioners.searchPage({}, 0, 1);
      assert.equal(tokenRequests, 2);
    } finally {
      sim.control.setFaults({ tokenLifetimeSeconds: null });
    }
  });

  test('the token lifetime is read from the string expires_in', async () => {
    const client = clientFor(sim);
    await client.tokens.token();
    const info = client.tokens.info()!;
    assert.equal(info.lifetimeSeconds, 3599);
    assert.equal(info.tokenType, 'BearerToken');
  });

  test('wrong credentials are an authentication error that does not repeat the secret', async () => {
    const client = clientFor(sim, { config: { clientSecret: 'not-the-secret-4711' } });
    await assert.rejects(client.patients.searchPage({}, 0, 1), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.kind, 'authentication');
      assert.doesNotMatch(error.message, /4711/);
      assert.match(error.message, /WELLSKY_CLIENT_SECRET/);
      return true;
    });
  });

  test('a host with no token endpoint (the legacy host) is named as the wrong host', async () => {
    const legacy = await simulator({ legacy: true, caregivers: 1, clients: 1, weeks: 1 });
    const client = clientFor(legacy);
    await assert.rejects(client.tokens.token(), /WELLSKY_BASE_URL must be the Connect host/);
  });

  test('no request ever sends "BearerToken" as the scheme', async () => {
    const seen: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      const auth = headers.get('authorization');
      if (auth) seen.push(auth.split(' ')[0]!);
      return fetch(input, init);
    };
    const client = new ConnectClient({
      env: {},
      fetch: recordingFetch,
      config: {
        baseUrl: sim.url,
        clientId: sim.credentials.clientId,
        clientSecret: sim.credentials.clientSecret,
      },
    });
    await client.patients.searchPage({}, 0, 1);
    assert.deepEqual([...new Set(seen)], ['Bearer']);
  });
});
