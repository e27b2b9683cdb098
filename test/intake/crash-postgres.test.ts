import { test } from 'node:test';
import { postgresEngine } from '../helpers/stores.ts';
import { crashAfterCreate } from './crash-scenario.ts';

test('PostgreSQL: killed after WellSky created the prospect, the restarted process links it, never a second one', () =>
  crashAfterCreate(postgresEngine));
