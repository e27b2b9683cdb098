import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseReply } from '../../src/operations/fill/replies.ts';

describe('reading a reply to a shift offer', () => {
  test('plain answers in their common forms', () => {
    for (const yes of [
      'YES',
      'yes!',
      'Y',
      'ok',
      'Sure',
      'yep',
      'Sí',
      'claro',
      'I can',
      "I'll take it",
      'I can do it',
    ])
      assert.deepEqual(parseReply(yes), { kind: 'yes' }, yes);
    for (const no of ['NO', 'no thanks', 'nope', "can't", 'I cannot', 'no puedo', "sorry I can't make it"])
      assert.deepEqual(parseReply(no), { kind: 'no' }, no);
    assert.deepEqual(parseReply('2'), { kind: 'number', n: 2 });
  });

  test('a yes with a condition is not a yes: a person reads it', () => {
    for (const hedged of [
      'I can only do 3 hours',
      'yes but only until 1',
      'I can if I leave at noon',
      'yes, after 11',
      'sure, maybe',
      'I can be there at 11 instead',
      'yes?',
    ])
      assert.deepEqual(parseReply(hedged), { kind: 'unclear' }, hedged);
  });
});
