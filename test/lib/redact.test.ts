import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact } from '../../src/lib/redact.ts';

test('tokens, secrets, phones and e-mails are scrubbed; ids are kept', () => {
  const line = redact(
    'Authorization: Bearer 0123456789abcdef0123456789abcdef client_secret=hunter2hunter2 call (303) 555-0100 or jo@example.com about patient 900123',
  );
  assert.doesNotMatch(line, /0123456789abcdef/);
  assert.doesNotMatch(line, /hunter2/);
  assert.doesNotMatch(line, /555-0100/);
  assert.doesNotMatch(line, /jo@example\.com/);
  assert.match(line, /900123/);
});
