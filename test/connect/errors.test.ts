import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectError, classifyResponse } from '../../src/connect/errors.ts';

const base = {
  method: 'GET',
  route: '/v1/appointments/',
  path: '/v1/appointments/',
  host: 'connect.clearcareonline.com',
};

function classify(status: number, body: string, extra: Partial<typeof base> & { retryAfter?: string } = {}) {
  return classifyResponse({ ...base, status, body, ...extra });
}

describe('every error body of the facts catalogue (§4.1) is classified as §4.2 says', () => {
  test('#1 gateway 403 with an Authorization header is an unknown route, with the nearest real route named', () => {
    const error = classify(
      403,
      JSON.stringify({
        message:
          "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): 'q+9vXx3r0y4='.",
      }),
    );
    assert.equal(error.kind, 'unknown-route');
    assert.match(error.hint, /not a permission problem/);
    assert.match(error.hint, /GET \/v1\/appointment\//);
    assert.doesNotMatch(error.message, /q\+9vXx3r0y4=/, 'the digest of the header is not repeated');
  });

  test('#2 gateway 403 without a header ("Missing Authentication Token") is an unknown route', () => {
    const error = classify(403, '{"message":"Missing Authentication Token"}', {
      method: 'POST',
      route: '/v1/oauth/accesstoken',
      path: '/v1/oauth/accesstoken',
    });
    assert.equal(error.kind, 'unknown-route');
  });

  test('#3 anything from the legacy host is "decommissioned"', () => {
    const error = classify(404, '<html><body>Page Not Found</body></html>', {
      host: 'api.clearcareonline.com',
    });
    assert.equal(error.kind, 'legacy-host');
    assert.match(error.hint, /connect\.clearcareonline\.com/);
  });

  test('#4/#5/#12 422 bodies are validation errors carrying the server message', () => {
    for (const body of [
      '{"message":"Unprocessable Entity"}',
      '{"message":"\'text\' in \'type\' is required."}',
      '{"error":"Validation failed: birthDate is required"}',
    ]) {
      const error = classify(422, body);
      assert.equal(error.kind, 'validation');
      assert.ok(error.serverMessage && error.serverMessage.length > 0);
      assert.ok(error.message.includes(error.serverMessage!));
    }
  });

  test('#6 a 500 HTML page is a server error with at most 200 characters of the page', () => {
    const html = `<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body>${'x'.repeat(5000)}</body></html>`;
    const error = classify(500, html);
    assert.equal(error.kind, 'server');
    assert.ok(error.serverMessage!.length <= 201);
    assert.equal(error.transient, true);
  });

  test('#7/#10 any other 403 is a real refusal', () => {
    assert.equal(classify(403, '').kind, 'permission-refused');
    assert.equal(classify(403, '{"error":"Access denied. Invalid agencyId."}').kind, 'permission-refused');
    assert.equal(
      classify(403, '{"Message":"User is not authorized to access this resource with an explicit deny"}')
        .kind,
      'permission-refused',
    );
  });

  test('#9 400 is validation', () => {
    const error = classify(400, '{"error":"Invalid phone number format. Must be 10 digits."}');
    assert.equal(error.kind, 'validation');
    assert.equal(error.serverMessage, 'Invalid phone number format. Must be 10 digits.');
  });

  test('#11 404 on the Connect host is not-found', () => {
    assert.equal(classify(404, '{"error":"Resource not found"}').kind, 'not-found');
  });

  test('#13 401 is an authentication failure', () => {
    assert.equal(classify(401, '{"message":"Unauthorized"}').kind, 'authentication');
  });

  test('#14 429 is rate limited and carries Retry-After', () => {
    const error = classify(429, '{"message":"Too Many Requests"}', { retryAfter: '3' });
    assert.equal(error.kind, 'rate-limited');
    assert.equal(error.retryAfterMs, 3000);
  });

  test('errors never carry a phone number or a token a server echoed', () => {
    const error = classify(
      400,
      '{"error":"bad phone (303) 555-0100 for token 0123456789abcdef0123456789abcdef"}',
    );
    assert.doesNotMatch(error.message, /555-0100/);
    assert.doesNotMatch(error.message, /0123456789abcdef0123456789abcdef/);
    assert.ok(error instanceof ConnectError);
  });
});
