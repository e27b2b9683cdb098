import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { normalizePhone } from '../../src/lib/phone.ts';

test('every common way of writing one number gives the same 10 digits', () => {
  for (const input of ['(303) 555-0100', '+1 303-555-0100', '3035550100', '303.555.0100', '1-303-555-0100']) {
    assert.deepEqual(normalizePhone(input), { digits: '3035550100' }, input);
  }
  assert.deepEqual(normalizePhone('303-555-0100 x123'), { digits: '3035550100', extension: '123' });
  assert.deepEqual(normalizePhone('3035550100x123'), { digits: '3035550100', extension: '123' });
});

test('numbers WellSky would refuse are rejected', () => {
  for (const input of ['', '555-0100', '0035550100', '1035550100', '+44 20 7946 0958', 'call me']) {
    assert.equal(normalizePhone(input), undefined, input);
  }
});

test('formatting noise never changes the digits', () => {
  const digits = fc.tuple(
    fc.integer({ min: 2, max: 9 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }),
  );
  fc.assert(
    fc.property(
      digits,
      fc.constantFrom('', '+1 ', '1-', '('),
      fc.constantFrom('', ' ', '-', '.'),
      ([first, rest], prefix, sep) => {
        const ten = `${first}${rest.join('')}`;
        const written = `${prefix}${ten.slice(0, 3)}${prefix === '(' ? ')' : ''}${sep}${ten.slice(3, 6)}${sep}${ten.slice(6)}`;
        assert.equal(normalizePhone(written)?.digits, ten);
      },
    ),
  );
});
