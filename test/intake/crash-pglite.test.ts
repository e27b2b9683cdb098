import { test } from 'node:test';
import { pgliteEngine } from '../helpers/stores.ts';
import { crashAfterCreate } from './crash-scenario.ts';

test('PGlite: killed after WellSky created the prospect, the restarted process links it, never a second one', () =>
  crashAfterCreate(pgliteEngine));
